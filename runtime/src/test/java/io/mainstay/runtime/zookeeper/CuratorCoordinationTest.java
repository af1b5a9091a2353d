package io.mainstay.runtime.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.ElectionEntry;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeNameInUseException;
import io.mainstay.actors.coordination.NodeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.test.TestingServer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Curator side of coordination against a real (in-process) ZooKeeper server. */
class CuratorCoordinationTest {

  private static final Duration SESSION = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ActorTestKit testKit = ActorTestKit.create();

  private TestingServer zookeeper;
  private final List<CuratorCoordination> started = new ArrayList<>();
  private int rootCounter;
  private String root;

  @BeforeAll
  static void quietZooKeeperTicks() {
    // sessions of 2 s need a tick of at most 1 s on the test server
    System.setProperty("zookeeper.tickTime", "100");
  }

  @BeforeEach
  void startZooKeeper() throws Exception {
    zookeeper = new TestingServer(true);
    root = "/mainstay/test-" + (++rootCounter);
  }

  @AfterEach
  void stopAll() throws Exception {
    started.forEach(CuratorCoordination::withdraw);
    zookeeper.close();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void firstCandidateIsElectedAndEpochsOnlyGrow() throws Exception {
    TestProbe<CoordinationEvent> events = testKit.createTestProbe();
    CuratorCoordination a = start("a", true, events);
    awaitEvent(events, CoordinationEvent.LeadershipGranted.class);

    assertEquals(1, takeMain(a, "a", 0, Optional.empty()));
    assertEquals(2, a.nextEpoch(0).toCompletableFuture().get());
    // the store may be ahead of ZooKeeper (a wiped ZooKeeper): the store's epoch is the floor
    assertEquals(11, a.nextEpoch(10).toCompletableFuture().get());
  }

  @Test
  void mainIsConfirmedUntilANewerEpochIsTaken() throws Exception {
    TestProbe<CoordinationEvent> eventsA = testKit.createTestProbe();
    CuratorCoordination a = start("a", true, eventsA);
    awaitEvent(eventsA, CoordinationEvent.LeadershipGranted.class);
    long epoch = takeMain(a, "a", 0, Optional.empty());
    a.confirmMain(epoch).toCompletableFuture().get(10, TimeUnit.SECONDS);

    // another node takes over from it (as a successor holding the store lock would): the old main can no
    // longer confirm; its election entry is named wrongly here, and the take removes the record regardless
    CuratorCoordination b = start("b", false, testKit.createTestProbe());
    DeadMain deadA = new DeadMain(new ElectionEntry("a", root + "/election/no-such-entry"), record("a", epoch));
    assertEquals(epoch + 1, takeMain(b, "b", 0, Optional.of(deadA)));
    ExecutionException refused =
        assertThrows(ExecutionException.class, () -> a.confirmMain(epoch).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(refused.getCause().toString().contains("BadVersion"), refused.getCause().toString());
  }

  @Test
  void takingOverFromADeadMainRemovesItsLeftoversAndPassesTheElectionInOneTransaction() throws Exception {
    TestProbe<CoordinationEvent> eventsB = testKit.createTestProbe();
    Succeeding s = mainAWithBNextInLine(eventsB);
    assertEquals("a", s.deadA().entry().node());

    // b proved a dead (in production: by taking the store lock a held); a's session lives on, as a dead
    // process's does until it expires, and must not matter
    assertEquals(s.epoch() + 1, takeMain(s.b(), "b", 0, Optional.of(s.deadA())));
    awaitAll(
        eventsB,
        List.of(
            e -> e instanceof CoordinationEvent.LeadershipGranted,
            e -> e instanceof CoordinationEvent.NodesChanged n && n.nodes().stream().noneMatch(r -> r.node().equals("a")),
            e -> e instanceof CoordinationEvent.MainChanged m && m.main().map(MainRecord::node).equals(Optional.of("b"))));
  }

  @Test
  void leftoversRemovedAheadOfTheTakeoverLeaveTheEpochAloneAndTheLaterTakeFindsNothingToRemove() throws Exception {
    TestProbe<CoordinationEvent> eventsB = testKit.createTestProbe();
    Succeeding s = mainAWithBNextInLine(eventsB);
    CuratorCoordination b = s.b();
    DeadMain deadA = s.deadA();
    long epoch = s.epoch();

    b.removeLeftovers(deadA).toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitAll(
        eventsB,
        List.of(
            e -> e instanceof CoordinationEvent.NodesChanged n && n.nodes().stream().noneMatch(r -> r.node().equals("a")),
            e -> e instanceof CoordinationEvent.MainChanged m && m.main().isEmpty()));
    assertEquals(epoch + 1, b.nextEpoch(0).toCompletableFuture().get(10, TimeUnit.SECONDS), "no epoch was taken");
    assertEquals(epoch + 1, takeMain(b, "b", 0, Optional.of(deadA)));
    b.confirmMain(epoch + 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anEpochTakenBetweenTheReadAndTheTransactionFailsTheTakeAndChangesNothing() throws Exception {
    TestProbe<CoordinationEvent> eventsA = testKit.createTestProbe();
    CuratorCoordination a = start("a", true, eventsA);
    awaitEvent(eventsA, CoordinationEvent.LeadershipGranted.class);
    CuratorCoordination b = start("b", false, testKit.createTestProbe());
    long readByB = b.nextEpoch(0).toCompletableFuture().get();
    long epoch = takeMain(a, "a", 0, Optional.empty());
    assertEquals(readByB, epoch);

    ExecutionException refused =
        assertThrows(
            ExecutionException.class,
            () -> b.takeMain(record("b", readByB), Optional.of(new DeadMain(new ElectionEntry("a", root + "/election/x"), record("a", epoch))))
                .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(refused.getCause().getMessage().contains("changed the epoch counter"), refused.getCause().toString());
    a.confirmMain(epoch).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyNodeSeesThePublishedMainAndTheLiveNodes() throws Exception {
    TestProbe<CoordinationEvent> eventsA = testKit.createTestProbe();
    TestProbe<CoordinationEvent> eventsB = testKit.createTestProbe();
    CuratorCoordination a = startLeaderAThenCandidateB(eventsA, eventsB);
    long epoch = takeMain(a, "a", 0, Optional.empty());

    // the main record and the nodes are two watches: their reports may come in either order
    awaitAll(
        eventsB,
        List.of(
            e -> e instanceof CoordinationEvent.NodesChanged n && n.nodes().size() == 2,
            e -> e instanceof CoordinationEvent.MainChanged m && m.main().map(MainRecord::epoch).orElse(0L) == epoch));
  }

  @Test
  void withdrawingMainHandsLeadershipToTheNextCandidate() throws Exception {
    TestProbe<CoordinationEvent> eventsA = testKit.createTestProbe();
    TestProbe<CoordinationEvent> eventsB = testKit.createTestProbe();
    CuratorCoordination a = startLeaderAThenCandidateB(eventsA, eventsB);
    takeMain(a, "a", 0, Optional.empty());
    // b's watch starts in the background: withdrawing before it saw the record would leave nothing to see go
    awaitEvent(eventsB, e -> e instanceof CoordinationEvent.MainChanged m && m.main().isPresent());

    started.remove(a);
    a.withdraw();
    // the main record goes first, so that standbys never see a new leader beside an old record
    awaitEvent(eventsB, e -> e instanceof CoordinationEvent.MainChanged m && m.main().isEmpty());
    awaitEvent(eventsB, CoordinationEvent.LeadershipGranted.class);
  }

  @Test
  void aSecondLiveNodeWithTheSameNameIsRefused() throws Exception {
    start("same", false, testKit.createTestProbe());
    CuratorCoordination twin = coordination("same");
    Exception refused = assertThrows(Exception.class, () -> twin.start(false, testKit.<CoordinationEvent>createTestProbe().getRef()));
    assertInstanceOf(NodeNameInUseException.class, refused);
    twin.withdraw();
  }

  private CuratorCoordination start(String name, boolean candidate, TestProbe<CoordinationEvent> events) throws Exception {
    CuratorCoordination coordination = coordination(name);
    coordination.start(candidate, events.getRef());
    started.add(coordination);
    return coordination;
  }

  /**
   * Candidate a, and once it leads, candidate b: the latch creates its node in the background, so b
   * started at once could be first in line.
   */
  private CuratorCoordination startLeaderAThenCandidateB(
      TestProbe<CoordinationEvent> eventsA, TestProbe<CoordinationEvent> eventsB) throws Exception {
    CuratorCoordination a = start("a", true, eventsA);
    awaitEvent(eventsA, CoordinationEvent.LeadershipGranted.class);
    start("b", true, eventsB);
    return a;
  }

  /** b, next in line behind a, which is main at {@code epoch}: what b knows of a once it proves a dead. */
  private record Succeeding(CuratorCoordination b, DeadMain deadA, long epoch) {}

  private Succeeding mainAWithBNextInLine(TestProbe<CoordinationEvent> eventsB) throws Exception {
    TestProbe<CoordinationEvent> eventsA = testKit.createTestProbe();
    CuratorCoordination a = start("a", true, eventsA);
    awaitEvent(eventsA, CoordinationEvent.LeadershipGranted.class);
    CuratorCoordination b = start("b", true, eventsB);
    long epoch = takeMain(a, "a", 0, Optional.empty());
    return new Succeeding(b, new DeadMain(awaitNextInLine(eventsB), record("a", epoch)), epoch);
  }

  /** Both halves of a takeover, as the node's {@code Takeover} runs them (minus the store). */
  private static long takeMain(CuratorCoordination coordination, String node, long storeEpoch, Optional<DeadMain> dead)
      throws Exception {
    long epoch = coordination.nextEpoch(storeEpoch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    coordination.takeMain(record(node, epoch), dead).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return epoch;
  }

  private static ElectionEntry awaitNextInLine(TestProbe<CoordinationEvent> events) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      CoordinationEvent event = events.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (event instanceof CoordinationEvent.NextInLine next && next.leader().isPresent()) {
        return next.leader().get();
      }
    }
  }

  private CuratorCoordination coordination(String name) {
    NodeRecord self = new NodeRecord(name, Set.of(NodeRecord.MAIN_ELIGIBLE), "pekko://mainstay@127.0.0.1:" + name.hashCode(), null, null);
    return new CuratorCoordination(zookeeper.getConnectString(), root, self, SESSION, (seeds, timeout) -> true);
  }

  private static MainRecord record(String node, long epoch) {
    return new MainRecord(node, "127.0.0.1", "http://127.0.0.1:1", "pekko://mainstay@127.0.0.1:1", epoch, Instant.now());
  }

  private static void awaitEvent(TestProbe<CoordinationEvent> events, Class<? extends CoordinationEvent> type) {
    awaitEvent(events, type::isInstance);
  }

  /** Skips events until each condition was met by some event, in any order. */
  private static void awaitAll(TestProbe<CoordinationEvent> events, List<Predicate<CoordinationEvent>> conditions) {
    List<Predicate<CoordinationEvent>> pending = new ArrayList<>(conditions);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!pending.isEmpty()) {
      CoordinationEvent event = events.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      pending.removeIf(condition -> condition.test(event));
    }
  }

  /** Skips events until one matches; the watches report snapshots, so earlier ones are stale views. */
  private static void awaitEvent(TestProbe<CoordinationEvent> events, Predicate<CoordinationEvent> matching) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!matching.test(events.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))))) {
      // keep reading
    }
  }
}
