package io.mainstay.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.ElectionEntry;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.coordination.ProcessIdentity;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The takeover on its own: what it reports, and that it never leaves the lock held when it does not hand it over. */
class TakeoverTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path localPath;
  private FakeCoordination zk;
  private TestProbe<Takeover.Outcome> parent;

  @BeforeEach
  void setUp() {
    zk = new FakeCoordination();
    parent = testKit.createTestProbe();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<Takeover.Command> start() {
    return start(Optional.empty());
  }

  private ActorRef<Takeover.Command> start(Optional<Succession.Succeeded> succeeded) {
    NodeIdentity identity =
        new NodeIdentity("node-a", "127.0.0.1", "http://127.0.0.1:9047", "pekko://mainstay@127.0.0.1:1",
            Set.of(NodeRecord.COORDINATOR, NodeRecord.MAIN_ELIGIBLE), localPath, 1,
            new ProcessIdentity(null, ProcessHandle.current().pid(), 0));
    return testKit.spawn(
        Takeover.create(identity, zk, new Takeover.Settings(Duration.ofMillis(20), Duration.ofSeconds(10), MetadataStore.DEFAULT_MAP_SIZE), parent.getRef(), succeeded));
  }

  @Test
  void takesLockOpensStoreTakesEpochAndPublishes() {
    start();
    assertInstanceOf(Takeover.LockTaken.class, parent.receiveMessage(WAIT));
    Takeover.TookOver took = assertInstanceOf(Takeover.TookOver.class, parent.receiveMessage(WAIT));
    assertEquals(1, took.record().epoch());
    assertEquals(took.record(), zk.published.get());
    assertEquals(1, took.store().epoch(), "the epoch is recorded in the store");
    took.store().close();
    took.lock().close();
  }

  @Test
  void afterASuccessionItStartsWithTheHeldLockAndRemovesTheDeadMainsLeftovers() throws Exception {
    zk.zkEpoch.set(6);
    MainRecord deadRecord = new MainRecord("node-b", "127.0.0.1", "http://127.0.0.1:9048", "pekko://mainstay@127.0.0.1:2", 6, Instant.EPOCH);
    DeadMain dead = new DeadMain(new ElectionEntry("node-b", "/election/_c_x-latch-0000000006"), deadRecord);
    StoreLock lock = StoreLock.tryAcquire(localPath, "node-a").orElseThrow();
    MetadataStore store = MetadataStore.open(lock);
    start(Optional.of(new Succession.Succeeded(lock, store, dead)));
    assertInstanceOf(Takeover.LockTaken.class, parent.receiveMessage(WAIT));
    Takeover.TookOver took = assertInstanceOf(Takeover.TookOver.class, parent.receiveMessage(WAIT));
    assertSame(lock, took.lock(), "the succession's lock is the one handed over");
    assertSame(store, took.store(), "and the store it opened");
    assertEquals(7, took.record().epoch());
    assertEquals(Optional.of(dead), zk.displaced.get(), "the dead main's leftovers go in the same transaction");
    took.store().close();
    took.lock().close();
  }

  @Test
  void abandonedWhileWaitingForTheLockHoldsNothing() throws Exception {
    try (StoreLock held = StoreLock.tryAcquire(localPath, "previous main").orElseThrow()) {
      ActorRef<Takeover.Command> takeover = start();
      parent.expectNoMessage(Duration.ofMillis(200));
      takeover.tell(new Takeover.Abandon());
      assertInstanceOf(Takeover.Abandoned.class, parent.receiveMessage(WAIT));
      parent.expectTerminated(takeover, WAIT);
    }
    assertTrue(StoreLock.tryAcquire(localPath, "successor").isPresent(), "the lock was never taken");
  }

  @Test
  void failedEpochReleasesTheLockAndClosesTheStore() throws Exception {
    zk.epochFails.set(true); // the transaction's compare-and-set of the epoch fails
    start();
    assertInstanceOf(Takeover.LockTaken.class, parent.receiveMessage(WAIT));
    Takeover.Failed failed = assertInstanceOf(Takeover.Failed.class, parent.receiveMessage(WAIT));
    assertTrue(failed.cause().getMessage().contains("epoch znode"), failed.toString());
    Optional<StoreLock> successor = StoreLock.tryAcquire(localPath, "successor");
    assertTrue(successor.isPresent(), "the lock is released");
    try (StoreLock lock = successor.get(); MetadataStore store = MetadataStore.open(lock)) {
      // recorded before ZooKeeper refused it; never served, and the next takeover starts above it
      assertEquals(1, store.epoch());
      assertNull(zk.published.get(), "nothing was published");
    }
  }
}
