package io.mainstay.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.ElectionEntry;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.coordination.ProcessIdentity;
import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.membership.Downing;
import io.mainstay.actors.membership.LiveView;
import io.mainstay.actors.storage.StoreCommand;
import io.mainstay.actors.storage.StoreReply;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import io.mainstay.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSupervisorTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger starts = new AtomicInteger();

  /**
   * One directory for the class, deleted after the test kit has shut down: a stopped supervisor's lock
   * attempt on the blocking dispatcher may still touch its node's directory just after the test ends.
   */
  @TempDir static Path root;

  private Path localPath;
  private FakeCoordination zk;
  private LinkedBlockingQueue<Integer> exitCodes;
  private ActorRef<NodeSupervisor.Command> supervisor;

  @BeforeEach
  void startSupervisor() throws IOException {
    localPath = Files.createTempDirectory(root, "node");
    start(new FakeCoordination(), Set.of(NodeRecord.COORDINATOR, NodeRecord.MAIN_ELIGIBLE));
  }

  private void start(FakeCoordination coordination, Set<String> roles) {
    start(coordination, roles, TestSettings.fast());
  }

  private void start(FakeCoordination coordination, Set<String> roles, NodeSupervisor.Settings settings) {
    zk = coordination;
    exitCodes = new LinkedBlockingQueue<>();
    NodeIdentity identity =
        new NodeIdentity(
            "node-a",
            "127.0.0.1",
            "http://127.0.0.1:9047",
            "pekko://mainstay@127.0.0.1:1",
            roles,
            localPath,
            1,
            new ProcessIdentity(null, ProcessHandle.current().pid(), 0));
    supervisor =
        testKit.spawn(
            NodeSupervisor.create(identity, zk, (code, reason) -> exitCodes.add(code), settings),
            "node-" + starts.incrementAndGet());
  }

  @AfterEach
  void stopSupervisor() {
    testKit.stop(supervisor);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void electedNodeTakesLockOpensStoreBumpsEpochAndServes() throws Exception {
    becomeMain();
    MainRecord record = zk.published.get();
    assertEquals(1, record.epoch());
    assertEquals("node-a", record.node());

    StoreReply reply = put("orders", "{\"x\":1}");
    assertEquals(new StoreReply.TableWritten(1, 1), reply);
    assertInstanceOf(StoreReply.TableValue.class, ask(replyTo -> new StoreCommand.TableGet("test", "docs", "orders", replyTo)));
  }

  @Test
  void standbyAnswersStoreRequestsWithTheMainsUrl() throws Exception {
    awaitRole(NodeRole.STANDBY);
    MainRecord other = new MainRecord("node-b", "h", "http://node-b:9047", "pekko://mainstay@h:2", 7, Instant.now());
    zk.send(new CoordinationEvent.MainChanged(Optional.of(other)));
    Await.until("the supervisor to know the main", WAIT, () -> status().main().isPresent());
    StoreReply reply = put("orders", "{}");
    assertEquals(Optional.of("http://node-b:9047"), ((StoreReply.Unavailable) reply).mainUrl());
  }

  @Test
  void suspendedMainRefusesWorkAndResumesWithinTheSameSession() throws Exception {
    becomeMain();
    zk.send(new CoordinationEvent.ConnectionSuspended());
    awaitRole(NodeRole.FENCED);
    assertInstanceOf(StoreReply.Unavailable.class, put("orders", "{}"));

    zk.send(new CoordinationEvent.ConnectionReconnected(true));
    awaitRole(NodeRole.MAIN);
    assertEquals(1, status().epoch(), "a blip within the session keeps the epoch");
    assertInstanceOf(StoreReply.TableWritten.class, put("orders", "{}"));
    assertTrue(exitCodes.isEmpty());
  }

  @Test
  void mainThatLosesLeadershipOrSessionExitsWithCode3() throws Exception {
    becomeMain();
    zk.send(new CoordinationEvent.ConnectionLost());
    assertEquals(NodeLifecycle.EXIT_LOST_MAIN, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void electedNodeThatLosesLeadershipWhileWaitingForTheLockExits() throws Exception {
    try (StoreLock held = StoreLock.tryAcquire(localPath, "someone else").orElseThrow()) {
      awaitRole(NodeRole.STANDBY);
      zk.send(new CoordinationEvent.LeadershipGranted());
      awaitRole(NodeRole.LOCKING);
      zk.send(new CoordinationEvent.LeadershipRevoked());
      assertEquals(NodeLifecycle.EXIT_LOST_MAIN, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void electedNodeWaitsForTheLockAndServesOnceItIsFree() throws Exception {
    StoreLock held = StoreLock.tryAcquire(localPath, "previous main").orElseThrow();
    awaitRole(NodeRole.STANDBY);
    zk.send(new CoordinationEvent.LeadershipGranted());
    awaitRole(NodeRole.LOCKING);
    Thread.sleep(200); // several lock attempts fail while it is held
    assertEquals(NodeRole.LOCKING, status().role());
    held.close();
    awaitRole(NodeRole.MAIN);
  }

  @Test
  void writeIsNotAcknowledgedWhenMainStatusCannotBeConfirmed() throws Exception {
    becomeMain();
    zk.confirmFails.set(true);
    assertInstanceOf(StoreReply.Unavailable.class, put("orders", "{\"v\":2}"));
    zk.confirmFails.set(false);
    // the refused write is present whole (it was durable before the check) or absent, never half
    StoreReply read = ask(replyTo -> new StoreCommand.TableGet("test", "docs", "orders", replyTo));
    StoreReply.TableValue found = assertInstanceOf(StoreReply.TableValue.class, read);
    assertEquals("{\"v\":2}", new String(found.entry().orElseThrow().value(), StandardCharsets.UTF_8));
  }

  @Test
  void gracefulStopClosesStoreReleasesLockWithdrawsAndExits0() throws Exception {
    becomeMain();
    put("orders", "{}");
    supervisor.tell(new NodeSupervisor.GracefulStop());
    assertEquals(NodeLifecycle.EXIT_GRACEFUL, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(zk.withdrawn.await(1, TimeUnit.SECONDS));
    try (StoreLock lock = StoreLock.tryAcquire(localPath, "successor").orElseThrow();
        MetadataStore store = MetadataStore.open(lock)) {
      assertTrue(store.tables().get("test", "docs", "orders").isPresent());
      assertTrue(store.history().get(0).until().isPresent(), "the term's end is recorded");
    }
  }

  @Test
  void gracefulMainWithASuccessorInLineLeavesZooKeeperOnlyOnceTheSuccessorPublishedItself() throws Exception {
    becomeMain();
    zk.successorInLine.set(true);
    supervisor.tell(new NodeSupervisor.GracefulStop());
    // the successor takes the released lock while this node's records still stand
    Await.until("the store lock to be released", WAIT, this::canTakeLock);
    assertFalse(zk.withdrawn.await(300, TimeUnit.MILLISECONDS), "still in ZooKeeper until the successor is published");
    MainRecord successor = new MainRecord("node-b", "h", "http://node-b:9047", "pekko://mainstay@h:2", 2, Instant.now());
    zk.send(new CoordinationEvent.MainChanged(Optional.of(successor)));
    assertTrue(zk.withdrawn.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(NodeLifecycle.EXIT_GRACEFUL, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void gracefulMainWhoseSuccessorNeverPublishesLeavesZooKeeperAfterTheWait() throws Exception {
    becomeMain();
    zk.successorInLine.set(true);
    long start = System.nanoTime();
    supervisor.tell(new NodeSupervisor.GracefulStop());
    assertEquals(NodeLifecycle.EXIT_GRACEFUL, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(NodeSupervisor.HANDOVER_WAIT) >= 0,
        "it waited for a successor before leaving");
  }

  private boolean canTakeLock() {
    try {
      Optional<StoreLock> lock = StoreLock.tryAcquire(localPath, "successor");
      lock.ifPresent(StoreLock::close);
      return lock.isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void gracefulStopWhileWaitingForTheLockWithdrawsAndExits0() throws Exception {
    try (StoreLock held = StoreLock.tryAcquire(localPath, "previous main").orElseThrow()) {
      awaitRole(NodeRole.STANDBY);
      zk.send(new CoordinationEvent.LeadershipGranted());
      awaitRole(NodeRole.LOCKING);
      supervisor.tell(new NodeSupervisor.GracefulStop());
      assertEquals(NodeLifecycle.EXIT_GRACEFUL, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertTrue(zk.withdrawn.await(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void aSuccessionDoneWhileStartingRemovesTheDeadMainsLeftoversAtOnceAndTakesOverOnceRegistered() throws Exception {
    testKit.stop(supervisor);
    FakeCoordination joining = new FakeCoordination();
    CountDownLatch registration = new CountDownLatch(1);
    joining.registrationGate.set(registration);
    joining.zkEpoch.set(4);
    start(joining, Set.of(NodeRecord.COORDINATOR, NodeRecord.MAIN_ELIGIBLE));
    MainRecord deadRecord = new MainRecord("node-b", "h", "http://node-b:9047", "pekko://mainstay@h:2", 4, Instant.now());
    DeadMain dead = new DeadMain(new ElectionEntry("node-b", "/election/_c_x-latch-0000000004"), deadRecord);
    StoreLock lock = StoreLock.tryAcquire(localPath, "node-a").orElseThrow();
    supervisor.tell(new Succession.Succeeded(lock, MetadataStore.open(lock), dead));
    Await.until("the dead main's leftovers to be removed while starting", WAIT,
        () -> zk.leftoversRemoved.get().isPresent());
    assertEquals(NodeRole.STARTING, status().role(), "still starting: nothing is taken before registration");
    registration.countDown();
    awaitRole(NodeRole.MAIN);
    assertEquals(Optional.of(dead), zk.displaced.get(), "the takeover names the dead main it succeeds");
    assertEquals(5, zk.published.get().epoch());
  }

  @Test
  void leadershipGrantedBeforeTheRegistrationIsReportedIsNotLost() throws Exception {
    testKit.stop(supervisor);
    FakeCoordination grantsAtOnce = new FakeCoordination();
    grantsAtOnce.grantOnStart.set(true);
    start(grantsAtOnce, Set.of(NodeRecord.COORDINATOR, NodeRecord.MAIN_ELIGIBLE));
    awaitRole(NodeRole.MAIN);
  }

  @Test
  void mainWhoseStoreServiceDiesExits1() throws Exception {
    becomeMain();
    // a bug in the store service: answering a request without a reply address throws
    supervisor.tell(new RequestGateway.ServeStore(new StoreCommand.TableGet("test", "docs", "orders", null)));
    assertEquals(NodeLifecycle.EXIT_FAILURE, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(NodeRole.STOPPING, status().role(), "an exiting node serves nothing");
  }

  @Test
  void nodeWhoseExecutorFailsExits1() throws Exception {
    testKit.stop(supervisor);
    start(new FakeCoordination(), Set.of(NodeRecord.EXECUTOR));
    awaitRole(NodeRole.EXECUTOR);
    ActorRef<Executor.Command> executor =
        ActorRefResolver.get(testKit.system())
            .resolveActorRef(supervisor.path().toString() + "/" + ActorPaths.EXECUTOR);
    // a main's request without its registry: the executor throws following it
    executor.tell(new Executor.ReRegister(1, "coord-1", null));
    assertEquals(NodeLifecycle.EXIT_FAILURE, exitCodes.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void standbyThatLosesItsSessionStaysUp() throws Exception {
    awaitRole(NodeRole.STANDBY);
    zk.send(new CoordinationEvent.ConnectionLost());
    zk.send(new CoordinationEvent.ConnectionReconnected(false));
    Thread.sleep(200);
    assertEquals(NodeRole.STANDBY, status().role());
    assertTrue(exitCodes.isEmpty());
  }

  private void becomeMain() throws Exception {
    awaitRole(NodeRole.STANDBY);
    zk.send(new CoordinationEvent.LeadershipGranted());
    awaitRole(NodeRole.MAIN);
  }

  private StoreReply put(String name, String json) {
    return ask(replyTo -> new StoreCommand.TablePut("test", "docs", name, json.getBytes(StandardCharsets.UTF_8), replyTo));
  }

  private StoreReply ask(java.util.function.Function<ActorRef<StoreReply>, StoreCommand> command) {
    TestProbe<StoreReply> probe = testKit.createTestProbe();
    supervisor.tell(new RequestGateway.ServeStore(command.apply(probe.getRef())));
    return probe.receiveMessage(WAIT);
  }

  private NodeStatus status() {
    TestProbe<NodeStatus> probe = testKit.createTestProbe();
    supervisor.tell(new RequestGateway.GetStatus(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void downingThatFailsIsRestartedWithWhatZooKeeperSaysNow() throws Exception {
    testKit.stop(supervisor);
    List<LiveView> viewsAtStart = new CopyOnWriteArrayList<>();
    Downing breaking = (node, current) -> Behaviors.setup(ctx -> {
      viewsAtStart.add(current.get());
      return Behaviors.receiveMessage(message -> {
        throw new IllegalStateException("downing broke");
      });
    });
    NodeSupervisor.Settings fast = TestSettings.fast();
    start(new FakeCoordination(), Set.of(NodeRecord.EXECUTOR),
        new NodeSupervisor.Settings(fast.takeover(), fast.main(), fast.executor(), fast.gateway(), breaking, fast.extensions()));
    awaitRole(NodeRole.EXECUTOR);
    NodeRecord other = new NodeRecord("exec-2", Set.of(NodeRecord.EXECUTOR), "pekko://mainstay@127.0.0.1:2", null, null);
    zk.send(new CoordinationEvent.NodesChanged(List.of(other)));

    Await.until("the downing restarted", WAIT, () -> viewsAtStart.size() >= 2);
    assertEquals(List.of(other), viewsAtStart.get(1).nodes(), "the restarted downing starts from the current view");
    assertEquals(Set.of("pekko://mainstay@127.0.0.1:2"), viewsAtStart.get(1).seen());
    assertEquals(NodeRole.EXECUTOR, status().role(), "the node keeps its role");
    assertTrue(exitCodes.isEmpty(), "no exit: " + exitCodes);
  }

  private void awaitRole(NodeRole role) throws InterruptedException {
    Await.until("role " + role, WAIT, () -> status().role() == role);
  }
}
