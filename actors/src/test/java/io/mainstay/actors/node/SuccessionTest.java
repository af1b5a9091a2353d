package io.mainstay.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mainstay.actors.coordination.ElectionEntry;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.coordination.ProcessIdentity;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.LockHolderMain;
import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.LineQueue;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The succession on its own: it waits on the lock only when ZooKeeper says it is next, and is connected. The
 * main is a second JVM holding the store lock (a lock is per process), killed to end it.
 */
class SuccessionTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration CHILD_START = Duration.ofSeconds(60);
  /** Long enough for a freed lock to be taken by a wait that should not be there. */
  private static final Duration QUIET = Duration.ofMillis(700);

  private static final ElectionEntry LEADER = new ElectionEntry("node-b", "/election/_c_x-latch-0000000001");
  private static final MainRecord MAIN =
      new MainRecord("node-b", "127.0.0.1", "http://127.0.0.1:9048", "pekko://mainstay@127.0.0.1:2", 1, Instant.EPOCH);

  @TempDir Path localPath;
  private TestProbe<Succession.Succeeded> parent;
  private ActorRef<Succession.Command> succession;
  private JavaProcess main;

  @BeforeEach
  void setUp() {
    parent = testKit.createTestProbe();
    LineQueue lines = new LineQueue();
    main = JavaProcess.launch("main", LockHolderMain.class.getName())
        .logFile(localPath.resolve("main.log"))
        .args(List.of(localPath.toString(), "node-b"))
        .onLine(lines)
        .start();
    lines.awaitText(main, "LOCKED"::equals, CHILD_START);
    NodeIdentity identity =
        new NodeIdentity("node-a", "127.0.0.1", "http://127.0.0.1:9047", "pekko://mainstay@127.0.0.1:1",
            Set.of(NodeRecord.COORDINATOR, NodeRecord.MAIN_ELIGIBLE), localPath, 1,
            new ProcessIdentity(null, ProcessHandle.current().pid(), 0));
    succession = testKit.spawn(Succession.create(identity, MetadataStore.DEFAULT_MAP_SIZE, parent.getRef()));
  }

  @AfterEach
  void tearDown() {
    testKit.stop(succession);
    main.kill9();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void nextInLineBehindThePublishedMainTakesItsLockWhenItEnds() {
    succession.tell(new Succession.MainChanged(Optional.of(MAIN)));
    succession.tell(new Succession.NextInLine(Optional.of(LEADER)));
    parent.expectNoMessage(QUIET);
    main.kill9();
    Succession.Succeeded succeeded = parent.receiveMessage(WAIT);
    assertEquals(LEADER, succeeded.dead().entry());
    assertEquals(MAIN, succeeded.dead().record());
    assertEquals(0, succeeded.store().epoch(), "the store is handed over open");
    succeeded.release();
  }

  @Test
  void aMainThatEndsWhileZooKeeperIsUnreachableIsSucceededOnlyOnceTheConnectionIsBack() {
    succession.tell(new Succession.MainChanged(Optional.of(MAIN)));
    succession.tell(new Succession.NextInLine(Optional.of(LEADER)));
    parent.expectNoMessage(QUIET); // waiting on the lock by now
    succession.tell(new Succession.ConnectionChanged(false));
    endTheMainAndExpectASuccessionOnlyAfterReconnecting();
  }

  @Test
  void newsOfTheLineThatArrivesDuringAnOutageStartsNoWait() {
    succession.tell(new Succession.ConnectionChanged(false));
    succession.tell(new Succession.MainChanged(Optional.of(MAIN)));
    succession.tell(new Succession.NextInLine(Optional.of(LEADER)));
    endTheMainAndExpectASuccessionOnlyAfterReconnecting();
  }

  private void endTheMainAndExpectASuccessionOnlyAfterReconnecting() {
    // the main's session is lost in the outage and it exits: its lock is free, its epoch nobody's to take yet
    main.kill9();
    parent.expectNoMessage(QUIET);
    succession.tell(new Succession.ConnectionChanged(true));
    Succession.Succeeded succeeded = parent.receiveMessage(WAIT);
    assertEquals(MAIN, succeeded.dead().record());
    succeeded.release();
  }

  @Test
  void whoIsNotNextInLineNeverTakesTheLock() {
    succession.tell(new Succession.MainChanged(Optional.of(MAIN)));
    succession.tell(new Succession.NextInLine(Optional.empty()));
    main.kill9();
    parent.expectNoMessage(QUIET);
  }
}
