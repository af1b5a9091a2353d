package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.SharedZooKeeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover of the issue: two master-eligible coordinators on one shared store, kill -9 the main,
 * the standby takes over at a higher epoch and serves everything acknowledged; the old main,
 * restarted, comes back as a standby.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class ElectionFailoverIT {

  private static final int ENTRIES = 50;
  private static final int UPDATED = 10;
  private static final int WRITES_BEFORE_KILL = 10;
  /** How long the restarted node is watched for not taking over from a live main. */
  private static final Duration WATCH = Duration.ofSeconds(3);

  @RegisterExtension
  static final SharedZooKeeper zookeeper = new SharedZooKeeper();

  // Kept when a test fails, so the processes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void theStandbyTakesOverAfterKill9WithEveryAcknowledgedWriteAndTheOldMainReturnsAsStandby() throws Exception {
    MainCandidates pair = MainCandidates.start(dir, zookeeper.server(), "failover");
    MainstayNodeProcess oldMain = pair.main();
    MainstayNodeProcess successor = pair.other(oldMain);
    assertEquals(1, oldMain.ping().epoch(), "the first main of a new cluster");
    MainCandidates.assertStandbyRefusesWrites(successor, oldMain);

    AcknowledgedWrites writes = new AcknowledgedWrites();
    for (int i = 0; i < ENTRIES; i++) {
      writes.putAcknowledged(oldMain, "entry-" + i, AcknowledgedWrites.document("entry-" + i, 1));
    }
    // Some at version 2, so the check below tells a stale copy from the current one.
    for (int i = 0; i < UPDATED; i++) {
      writes.putAcknowledged(oldMain, "entry-" + i, AcknowledgedWrites.document("entry-" + i, 2));
    }
    long killedAt = killWhileWriting(oldMain, writes);

    successor.awaitRole(Ping.MAIN, Await.GENEROUS);
    System.out.printf("failover: %s main %d ms after kill -9 of %s%n",
        successor.name(), (System.nanoTime() - killedAt) / 1_000_000, oldMain.name());
    Ping newMain = successor.ping();
    assertEquals(200, newMain.status());
    assertTrue(newMain.epoch() > 1, "the new main's epoch must be above the dead main's 1: " + newMain.json());
    writes.assertAllServedBy(successor);
    assertEquals(404, successor.http().get(MainCandidates.REFUSED).status(), "a write its standby refused");

    oldMain.start().awaitRole(Ping.STANDBY, Await.GENEROUS);
    Await.holds("the restarted " + oldMain.name() + " stays standby under the live main", WATCH,
        () -> Ping.STANDBY.equals(oldMain.ping().role()) && successor.ping().epoch() == newMain.epoch());
    assertEquals(successor.webUrl(), oldMain.ping().main(), "the main the restarted node names");
    MainCandidates.assertStandbyRefusesWrites(oldMain, successor);
    for (MainstayNodeProcess asked : List.of(successor, oldMain)) {
      Await.until(asked + " to list " + oldMain.name() + " as standby of " + successor.name(), Await.GENEROUS,
          () -> listsAsStandby(asked.http().cluster(), successor, oldMain));
    }
  }

  /**
   * Keeps writing fresh names from another thread while the main is killed, so writes acknowledged
   * right up to the kill are among those checked. Returns when the kill happened (nanoTime).
   */
  private static long killWhileWriting(MainstayNodeProcess main, AcknowledgedWrites writes) throws Exception {
    int before = writes.size();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> writing = writer.submit(() -> {
        // One write per name: an unacknowledged last write cannot hide behind an acknowledged one.
        for (int i = 0; !stop.get(); i++) {
          writes.put(main, "during-kill-" + i, AcknowledgedWrites.document("during-kill-" + i, 1));
        }
      });
      Await.until("writes acknowledged while the kill approaches", Await.GENEROUS,
          () -> writes.size() >= before + WRITES_BEFORE_KILL);
      long killedAt = System.nanoTime();
      main.kill9();
      stop.set(true);
      writing.get(30, TimeUnit.SECONDS);
      return killedAt;
    } finally {
      stop.set(true);
      writer.shutdownNow();
    }
  }

  private static boolean listsAsStandby(HttpResult cluster, MainstayNodeProcess main, MainstayNodeProcess standby) {
    if (cluster.status() != 200) {
      return false;
    }
    JsonNode view = cluster.json();
    boolean mainRight = main.name().equals(view.path("main").path("node").textValue())
        && main.webUrl().equals(view.path("main").path("url").textValue());
    boolean listed = false;
    for (JsonNode entry : view.path("standbys")) {
      listed |= standby.name().equals(entry.path("node").textValue());
    }
    return mainRight && listed;
  }
}
