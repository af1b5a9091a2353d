package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.actors.probe.ProbeOutcome;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.ClusterStatus;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.node.ProbeReport;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors follow the main, with real processes: a ZooKeeper server, two master-eligible coordinators
 * sharing one store and two executor-only nodes, all in their own JVMs with 2 s ZooKeeper sessions.
 *
 * <p>Starting four nodes takes most of a minute on a small machine, so the class keeps one cluster
 * and its tests run in order, each leaving the cluster in the state the next one describes. {@link
 * ManagedProcesses.Extension} kills what a test method starts when that method ends: a node a test
 * restarts does not outlive it, while the cluster started in {@link #startCluster()} lives until the
 * class ends.
 *
 * <p>ZooKeeper decides liveness: the main downs members whose record vanished, and nothing else downs
 * members, so whatever downing a test sees is the main's.
 */
@ExtendWith(ManagedProcesses.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutorsFollowMainIT {

  /** As in the other ITs: 2 s sessions expired on a busy two-core machine during node start-up. */
  private static final int SESSION_MS = 4000;
  /** Distinct per executor, so the registry is seen to keep each one's own capacity. */
  private static final Map<String, Integer> SLOTS = Map.of("exec-1", 3, "exec-2", 5);
  private static final Set<String> ALL_EXECUTORS = SLOTS.keySet();
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(10);
  private static final Duration FRAGMENT_TIMEOUT = Duration.ofSeconds(15);
  /**
   * The registry drops an executor 3 s after its last heartbeat (checked every 750 ms), or sooner when
   * its ZooKeeper record vanishes (2 s session); the rest is room for a loaded two-core machine.
   */
  private static final Duration LEAVE_DEADLINE = Duration.ofSeconds(15);
  /** Four JVMs starting at once share two cores (with whatever else runs there): twice the usual. */
  private static final Duration STARTUP_DEADLINE = Await.GENEROUS.multipliedBy(2);
  /** Where the nodes register: {@code /mainstay/<cluster.id>/nodes}, cluster id "it" from the builder. */
  private static final String NODES_PATH = "/mainstay/it/nodes/";

  // Kept when a test fails, so the nodes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static ZooKeeperProcess zookeeper;
  private static List<MainstayNodeProcess> coordinators;
  private static Map<String, MainstayNodeProcess> executors;
  /** The coordinator serving as main and its epoch: a test that kills the main moves them on. */
  private static MainstayNodeProcess main;
  private static long epoch;

  /** One executor's registration as the main's registry lists it, without the ever-changing heartbeat. */
  private record Registration(String address, int slots, long epoch, String state) {
    static Registration of(JsonNode executor) {
      return new Registration(
          executor.path("address").textValue(),
          executor.path("slots").asInt(),
          executor.path("epoch").asLong(),
          executor.path("state").textValue());
    }
  }

  @BeforeAll
  static void startCluster() {
    zookeeper = ZooKeeperProcess.standalone(dir.resolve("zookeeper")).start();
    Path store = dir.resolve("shared-store");
    coordinators = List.of(coordinator("coord-a", store), coordinator("coord-b", store));
    executors = new TreeMap<>();
    SLOTS.forEach((name, slots) ->
        executors.put(name, executorNode(dir, name).extraConf("services.executor.slots = " + slots).build()));
    // All at once: the join lock in ZooKeeper keeps them to one Pekko Cluster, and either coordinator may win.
    coordinators.forEach(MainstayNodeProcess::start);
    executors.values().forEach(MainstayNodeProcess::start);
    main = Await.value("one of " + coordinators + " to serve as main", STARTUP_DEADLINE, () ->
        coordinators.stream().filter(c -> Ping.MAIN.equals(c.ping().role())).findFirst().orElse(null));
    epoch = main.ping().epoch();
    // An executor may register with the main before its own join completes: wait until every node has
    // joined the Pekko Cluster (the supervisor leaves "starting" only then), so that the tests start
    // from a whole cluster, not one still forming.
    otherCoordinator(main).awaitRole(Ping.STANDBY, STARTUP_DEADLINE);
    executors.values().forEach(executor ->
        executor.awaitLog(": starting -> executor: registered with ZooKeeper", STARTUP_DEADLINE));
  }

  @Test
  @Order(1)
  void bothExecutorsRegisterWithTheMainAtItsEpochAndAProbeReachesThem() {
    ClusterStatus view = awaitExecutorsAt(main, epoch, ALL_EXECUTORS, Await.GENEROUS);

    assertEquals(main.name(), view.mainNode());
    assertEquals(epoch, view.mainEpoch());
    view.executors().forEach((node, executor) -> {
      Registration registration = Registration.of(executor);
      assertEquals(SLOTS.get(node), registration.slots(), node + ": " + executor);
      assertEquals("registered", registration.state(), node + ": " + executor);
      assertTrue(registration.address().startsWith("pekko://mainstay@" + Loopback.HOST + ":"),
          executor.toString());
      assertTrue(executor.hasNonNull("lastHeartbeat"), executor.toString());
    });
    assertProbeReaches(main, epoch, ALL_EXECUTORS);
  }

  @Test
  @Order(2)
  void aStandbyShowsTheMainsExecutorsAndSendsProbesToTheMain() {
    MainstayNodeProcess standby = otherCoordinator(main);
    assertEquals(Ping.STANDBY, standby.ping().role());

    assertSameExecutors(standby, main);

    ProbeReport refused = standby.probe(PROBE_DEADLINE);
    assertEquals(503, refused.status(), refused.json().toString());
    assertEquals(main.webUrl(), refused.main());
  }

  @Test
  @Order(3)
  void afterTheMainIsKilledBothExecutorsFollowTheNewMainAtItsEpoch() {
    MainstayNodeProcess oldMain = main;
    MainstayNodeProcess survivor = otherCoordinator(oldMain);
    long oldEpoch = epoch;
    String oldMainAddress = main.cluster().mainAddress();

    long killedAt = System.nanoTime();
    oldMain.kill9();
    survivor.awaitRole(Ping.MAIN, Await.GENEROUS);
    long newMainMillis = millisSince(killedAt);
    long newEpoch = survivor.ping().epoch();
    assertTrue(newEpoch > oldEpoch, "new epoch " + newEpoch + " after " + oldEpoch);
    awaitExecutorsAt(survivor, newEpoch, ALL_EXECUTORS, Await.GENEROUS);
    long followedMillis = millisSince(killedAt);
    System.out.printf(
        "[%s] kill -9 of main %s (epoch %d): %s main at epoch %d after %d ms;"
            + " all executors registered at epoch %d after %d ms (%d ms after the new main served)%n",
        getClass().getSimpleName(), oldMain.name(), oldEpoch, survivor.name(), newEpoch, newMainMillis,
        newEpoch, followedMillis, followedMillis - newMainMillis);
    main = survivor;
    epoch = newEpoch;

    // The new main took the lock the dead main held (its record may still be in ZooKeeper): it downs the old
    // main at takeover, rather than leaving it unreachable in the cluster until its session expires.
    main.awaitLog("downing " + oldMainAddress + ": the process of " + oldMain.name() + " has ended", Await.GENEROUS);

    // The executors' side of it: each got the new main's acknowledgement at the new epoch.
    executors.forEach((name, executor) -> executor.awaitLog(
        "node " + name + " epoch " + epoch + ": registered with main " + main.name(), Await.GENEROUS));
    assertProbeReaches(main, epoch, ALL_EXECUTORS);
  }

  @Test
  @Order(4)
  void anExecutorRefusesAFragmentStampedWithAnOlderEpoch() {
    MainstayNodeProcess executor = executors.get("exec-1");
    String address = Registration.of(main.cluster().executors().get(executor.name())).address();

    try (FragmentSender sender = FragmentSender.start()) {
      // The same path at the current epoch works: what follows is refused for its epoch alone.
      ProbeOutcome current = sender.run(address, "it-current-epoch", epoch, FRAGMENT_TIMEOUT)
          .orElseThrow(() -> new AssertionError("no outcome of a fragment at the current epoch"));
      assertInstanceOf(ProbeOutcome.Succeeded.class, current);
      assertEquals(executor.name(), current.node());

      Optional<ProbeOutcome> stale = sender.run(address, "it-older-epoch", epoch - 1, Duration.ofSeconds(3));
      assertEquals(Optional.empty(), stale, "the executor's probe service never saw the older epoch's fragment");
    }
    executor.awaitLog(
        "refusing a command of extension probe from main fragment-sender at older epoch " + (epoch - 1), Await.GENEROUS);
    // Refusing an old main does not unsettle the executor's place with the current one.
    assertEquals(epoch, main.cluster().executorEpochs().get(executor.name()));
  }

  @Test
  @Order(5)
  void theFormerMainComesBackAsAStandbyThatShowsTheMainsExecutors() {
    MainstayNodeProcess former = otherCoordinator(main);

    former.start().awaitRole(Ping.STANDBY, Await.GENEROUS);

    assertSameExecutors(former, main);
  }

  @Test
  @Order(6)
  void aKilledExecutorLeavesTheRegistryAndARestartRegistersItAgain() {
    MainstayNodeProcess victim = executors.get("exec-1");
    Set<String> others = Set.of("exec-2");

    long killedAt = System.nanoTime();
    victim.kill9();
    awaitExecutorsAt(main, epoch, others, LEAVE_DEADLINE);
    System.out.printf("[%s] kill -9 of executor %s: gone from the registry after %d ms%n",
        getClass().getSimpleName(), victim.name(), millisSince(killedAt));
    main.awaitLog("executor " + victim.name() + " dropped", Await.GENEROUS);
    assertProbeReaches(main, epoch, others);

    long restartedAt = System.nanoTime();
    victim.start();
    awaitExecutorsAt(main, epoch, ALL_EXECUTORS, Await.GENEROUS);
    System.out.printf("[%s] restart of executor %s: registered at epoch %d after %d ms%n",
        getClass().getSimpleName(), victim.name(), epoch, millisSince(restartedAt));
    assertProbeReaches(main, epoch, ALL_EXECUTORS);
  }

  @Test
  @Order(7)
  void aSecondNodeWithALiveExecutorsNameIsRefusedAndTheLiveOneKeepsItsPlace() {
    MainstayNodeProcess live = executors.get("exec-2");
    Registration before = registrationOf(live);

    MainstayNodeProcess duplicate = executorNode(dir.resolve("duplicate"), live.name()).build().start();

    assertEquals(2, duplicate.waitForExit(Await.GENEROUS), duplicate.log());
    assertTrue(duplicate.log().contains("node.name '" + live.name() + "' is already in use"), duplicate.log());
    assertTrue(live.isAlive());
    assertEquals(before, registrationOf(live));
  }

  @Test
  @Order(8)
  void aCoordinatorStartedAfterTheMainDiedTakesOverTheDeadIsDownedAndTheExecutorFollows() throws Exception {
    MainstayNodeProcess dead = main;
    MainstayNodeProcess late = otherCoordinator(dead);
    MainstayNodeProcess executor = executors.get("exec-2");
    String deadAddress = main.cluster().mainAddress();
    long oldEpoch = epoch;

    dead.kill9();
    // Started only once ZooKeeper has forgotten the dead main, the new one never sees its record. Every
    // node downs a member that is unreachable and not in ZooKeeper: the executor, which saw the record
    // vanish, may be first; then the new main finds it down already.
    awaitNodeRecordGone(dead.name());
    main = late.start().awaitRole(Ping.MAIN, Await.GENEROUS);
    epoch = main.ping().epoch();
    assertTrue(epoch > oldEpoch, "new epoch " + epoch + " after " + oldEpoch);

    MainstayNodeProcess newMain = main;
    Await.until("the dead main's member " + deadAddress + " downed by a live node", Await.GENEROUS,
        () -> Stream.of(newMain, executor).anyMatch(node -> node.log().contains("downing " + deadAddress + ": ")));
    awaitExecutorsAt(main, epoch, Set.of(executor.name()), Await.GENEROUS);
    assertTrue(executor.isAlive());
    assertProbeReaches(main, epoch, Set.of(executor.name()));
  }

  private static MainstayNodeProcess coordinator(String name, Path store) {
    return node(dir, name).sharedStore(store).build();
  }

  /** An executor-only node: no coordinator, so no web port of its own. */
  private static MainstayNodeBuilder executorNode(Path baseDir, String name) {
    return node(baseDir, name).coordinator(false).mainEligible(false).executor(true);
  }

  private static MainstayNodeBuilder node(Path baseDir, String name) {
    return MainstayNodeProcess.builder(baseDir, name)
        .zookeeper(zookeeper.connectString())
        .sessionTimeoutMs(SESSION_MS);
  }

  /** Waits until ZooKeeper no longer lists {@code node}: its session has expired. */
  private static void awaitNodeRecordGone(String node) throws Exception {
    try (CuratorFramework client =
        CuratorFrameworkFactory.newClient(zookeeper.connectString(), new RetryNTimes(100, 200))) {
      client.start();
      Await.until("ZooKeeper to forget " + node, Await.GENEROUS,
          () -> client.checkExists().forPath(NODES_PATH + node) == null);
    }
  }

  private static MainstayNodeProcess otherCoordinator(MainstayNodeProcess coordinator) {
    return coordinators.stream().filter(c -> c != coordinator).findFirst().orElseThrow();
  }

  /**
   * Waits until {@code coordinator}'s /api/v1/cluster lists exactly {@code nodes} as executors, each
   * registered at {@code epoch}, and returns that view.
   */
  private static ClusterStatus awaitExecutorsAt(
      MainstayNodeProcess coordinator, long epoch, Set<String> nodes, Duration deadline) {
    Map<String, Long> expected = nodes.stream().collect(Collectors.toMap(Function.identity(), node -> epoch));
    return Await.value(coordinator.name() + " to list executors " + expected, deadline, () -> {
      ClusterStatus view = coordinator.cluster();
      assertEquals(200, view.status(), view.json().toString());
      assertEquals(expected, view.executorEpochs(), view.json().toString());
      return view;
    });
  }

  /** The registrations {@code coordinator} shows, by executor. */
  private static Map<String, Registration> registrations(MainstayNodeProcess coordinator) {
    ClusterStatus view = coordinator.cluster();
    assertEquals(200, view.status(), view.json().toString());
    assertNull(view.executorsError(), view.json().toString());
    Map<String, Registration> registrations = new TreeMap<>();
    view.executors().forEach((node, executor) -> registrations.put(node, Registration.of(executor)));
    return registrations;
  }

  private static Registration registrationOf(MainstayNodeProcess executor) {
    Registration registration = registrations(main).get(executor.name());
    assertNotNull(registration, executor.name() + " is not registered with " + main.name());
    return registration;
  }

  /** The standby asks the main's registry over the cluster: both must show the very same registrations. */
  private static void assertSameExecutors(MainstayNodeProcess standby, MainstayNodeProcess serving) {
    Map<String, Registration> mains = registrations(serving);
    assertEquals(ALL_EXECUTORS, mains.keySet());
    Await.until(standby.name() + " to show the executors of " + serving.name(), Await.GENEROUS, () -> {
      ClusterStatus view = standby.cluster();
      assertEquals(serving.name(), view.mainNode(), view.json().toString());
      assertEquals(mains, registrations(standby));
      return true;
    });
  }

  /**
   * A probe on {@code serving} answers at {@code epoch} with a result from each of {@code nodes} and no
   * error; each result's disk path is that executor's own local path, so it ran where it says.
   */
  private static void assertProbeReaches(MainstayNodeProcess serving, long epoch, Set<String> nodes) {
    ProbeReport report = serving.probe(PROBE_DEADLINE);
    assertEquals(200, report.status(), report.json().toString());
    assertEquals(epoch, report.epoch(), report.json().toString());
    assertEquals(nodes, report.answers().keySet(), report.json().toString());
    report.answers().forEach((node, answer) -> {
      assertTrue(answer.path("error").isMissingNode(), answer.toString());
      JsonNode result = answer.path("result");
      Path localPath = executors.get(node).home().resolve("store").toAbsolutePath().normalize();
      assertEquals(localPath.toString(), result.path("diskPath").textValue(), answer.toString());
      assertTrue(result.path("maxHeapBytes").asLong() > 0, answer.toString());
      assertTrue(result.path("cores").asInt() > 0, answer.toString());
    });
    System.out.printf("[%s] probe on %s at epoch %d: round trips %s ms%n",
        ExecutorsFollowMainIT.class.getSimpleName(), serving.name(), epoch,
        report.answers().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().path("roundTripMs").asLong())
            .collect(Collectors.joining(", ", "{", "}")));
  }

  private static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
