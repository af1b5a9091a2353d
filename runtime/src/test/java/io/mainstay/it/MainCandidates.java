package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import java.util.List;

/**
 * The HA setup of the issue: two master-eligible coordinators on one ZooKeeper and ONE shared
 * {@code paths.local}, with short sessions so a dead main is replaced in seconds. Both start
 * together, so either may win.
 */
final class MainCandidates {

  /**
   * {@code zk.client.session.timeout}: short, so a dead main is replaced in seconds, but not 2 s: on
   * this loaded two-core machine a node starting, or opening the store, was starved for over 3 s,
   * its 2 s session expired and it exited (code 1 or 3) in 2 of 4 runs.
   */
  static final int SESSION_TIMEOUT_MS = 4000;
  static final String REFUSED = "refused-on-standby";

  private final Path store;
  private final List<MainstayNodeProcess> nodes;

  private MainCandidates(Path store, List<MainstayNodeProcess> nodes) {
    this.store = store;
    this.nodes = nodes;
  }

  /** Starts node-a and node-b of cluster {@code clusterId} and waits until one is main and the other its standby. */
  static MainCandidates start(Path dir, ZooKeeperProcess zk, String clusterId) {
    Path store = dir.resolve("shared-store");
    List<MainstayNodeProcess> nodes = List.of(candidate(dir, zk, clusterId, store, "node-a"),
        candidate(dir, zk, clusterId, store, "node-b"));
    nodes.forEach(MainstayNodeProcess::start);
    MainCandidates pair = new MainCandidates(store, nodes);
    // Each settles on its own first, so a node that dies fails the test at once, not at the deadline.
    nodes.forEach(MainCandidates::awaitMainOrStandby);
    Await.until("exactly one main, the other a standby naming it", Await.GENEROUS, pair::oneMainOneStandby);
    return pair;
  }

  private static MainstayNodeProcess candidate(Path dir, ZooKeeperProcess zk, String clusterId, Path store, String name) {
    return MainstayNodeProcess.builder(dir, name)
        .zookeeper(zk.connectString())
        .clusterId(clusterId)
        .sharedStore(store)
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .build();
  }

  private static void awaitMainOrStandby(MainstayNodeProcess node) {
    node.process().awaitWhileRunning(node.name() + " to be main or standby", Await.GENEROUS, () -> {
      String role = node.ping().role();
      return Ping.MAIN.equals(role) || Ping.STANDBY.equals(role);
    });
  }

  /** True when one node answers 200 main and the other 503 standby with the main's URL. */
  private boolean oneMainOneStandby() {
    Ping a = nodes.get(0).ping();
    Ping b = nodes.get(1).ping();
    return isMainWithStandby(a, b, nodes.get(0)) || isMainWithStandby(b, a, nodes.get(1));
  }

  private static boolean isMainWithStandby(Ping main, Ping standby, MainstayNodeProcess mainNode) {
    return main.status() == 200 && Ping.MAIN.equals(main.role())
        && standby.status() == 503 && Ping.STANDBY.equals(standby.role())
        && mainNode.webUrl().equals(standby.main());
  }

  /** The node that is main now; fails if none is. */
  MainstayNodeProcess main() {
    return nodes.stream()
        .filter(node -> Ping.MAIN.equals(node.ping().role()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node reports itself main"));
  }

  /** The node that is not {@code node}. */
  MainstayNodeProcess other(MainstayNodeProcess node) {
    return nodes.get(0) == node ? nodes.get(1) : nodes.get(0);
  }

  /** The shared {@code paths.local}. */
  Path store() {
    return store;
  }

  /**
   * Asserts the 503 a standby gives a catalog write, and that it points at the main. The entry,
   * {@link #REFUSED}, must therefore exist nowhere.
   */
  static void assertStandbyRefusesWrites(MainstayNodeProcess standby, MainstayNodeProcess main) {
    HttpResult result = standby.http().put(REFUSED, "{}");
    assertEquals(503, result.status(), "PUT on standby " + standby + ": " + result.body());
    assertTrue(result.json().path("error").isTextual(), "503 without an error: " + result.body());
    assertEquals(main.webUrl(), result.json().path("main").textValue(), "main named by " + standby + ": " + result.body());
  }
}
