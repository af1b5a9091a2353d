package io.mainstay.runtime.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster under test on loopback: an external ZooKeeper in its own JVM, two master-eligible coordinators
 * sharing one {@code paths.local}, and N executor-only nodes, each a {@code MainstayNode} process.
 */
final class LocalCluster {

  static final String HOST = "127.0.0.1";
  static final String CLUSTER_ID = "bench";

  private static final Duration POLL = Duration.ofMillis(50);

  private final Path workDir;
  private final Processes processes;
  private final List<String> jvmOptions;
  private final LocalZooKeeper zooKeeper;
  private final List<NodeProcess> coordinators = new ArrayList<>();
  private final List<NodeProcess> executors = new ArrayList<>();
  private final NodeClient client;
  private final Ports ports;
  private final Duration sessionTimeout;
  private final List<String> unplannedExits = new ArrayList<>();

  LocalCluster(Path workDir, Processes processes, Ports ports, List<String> jvmOptions, Duration sessionTimeout, NodeClient client) {
    this.workDir = workDir;
    this.processes = processes;
    this.jvmOptions = jvmOptions;
    this.client = client;
    this.ports = ports;
    this.sessionTimeout = sessionTimeout;
    this.zooKeeper = new LocalZooKeeper(workDir.resolve("zookeeper"), ports.next(), sessionTimeout);
  }

  /** Launches ZooKeeper (with its own JVM options) and waits until it serves. */
  void startZooKeeper(Duration timeout, List<String> zooKeeperJvmOptions) {
    zooKeeper.start(processes, zooKeeperJvmOptions, timeout);
  }

  Path zooKeeperLog() {
    return zooKeeper.logFile();
  }

  String zooKeeperConnect() {
    return zooKeeper.connectString();
  }

  /**
   * Writes the node configurations and starts the nodes: the first coordinator alone (so it normally
   * becomes the main), then the second coordinator and the executors; returns the main once the cluster is
   * steady (see {@link #recover}).
   */
  NodeProcess startNodes(int executorCount, Duration timeout) {
    Path store = workDir.resolve("shared-store");
    long sessionMs = sessionTimeout.toMillis();
    for (String name : List.of("coord-a", "coord-b")) {
      coordinators.add(NodeProcess.coordinator(workDir, name, store, ports, zooKeeper.connectString(), sessionMs, CLUSTER_ID));
    }
    for (int i = 1; i <= executorCount; i++) {
      executors.add(NodeProcess.executor(workDir, "exec-" + i, ports, zooKeeper.connectString(), sessionMs, CLUSTER_ID));
    }
    NodeProcess first = coordinators.get(0);
    first.start(processes, jvmOptions);
    Wait.until(
        first.name() + " to answer /ping",
        timeout,
        POLL,
        () -> client.ping(first.webUrl()).status() != NodeClient.NO_ANSWER ? Boolean.TRUE : null,
        () -> first.isAlive() ? null : "exited");
    coordinators.get(1).start(processes, jvmOptions);
    executors.forEach(e -> e.start(processes, jvmOptions));
    return recover(timeout);
  }

  /**
   * Restarts every node that exited on its own (on a loaded machine a main can lose its ZooKeeper session
   * and exit, as designed) and waits until the cluster is steady: one coordinator main, the other standby,
   * every executor registered with the main at its epoch. Returns the main.
   */
  NodeProcess recover(Duration timeout) {
    BenchmarkException last = null;
    for (int attempt = 1; attempt <= 5; attempt++) {
      restartExited();
      try {
        NodeProcess main = awaitMain(timeout);
        awaitSteady(main, other(main), timeout);
        return main;
      } catch (BenchmarkException e) {
        if (all().stream().noneMatch(NodeProcess::hasExited)) {
          throw e;
        }
        last = e; // a node exited while we waited: restart it and wait again
      }
    }
    throw last;
  }

  /** Nodes that exited without the benchmark stopping them, with their exit codes, in order. */
  synchronized List<String> unplannedExits() {
    return List.copyOf(unplannedExits);
  }

  private void restartExited() {
    for (NodeProcess node : all()) {
      if (node.hasExited()) {
        synchronized (this) {
          unplannedExits.add(node.name() + " exited with code " + node.jvm().exitCode() + " at " + java.time.LocalTime.now());
        }
        node.start(processes, jvmOptions);
      }
    }
  }

  private List<NodeProcess> all() {
    List<NodeProcess> all = new ArrayList<>(coordinators);
    all.addAll(executors);
    return all;
  }

  List<NodeProcess> coordinators() {
    return List.copyOf(coordinators);
  }

  List<NodeProcess> executors() {
    return List.copyOf(executors);
  }

  Set<String> executorNames() {
    Set<String> names = new TreeSet<>();
    executors.forEach(e -> names.add(e.name()));
    return names;
  }

  NodeProcess other(NodeProcess coordinator) {
    return coordinators.get(0) == coordinator ? coordinators.get(1) : coordinators.get(0);
  }

  /** The coordinator answering {@code /ping} as main (waits for one). */
  NodeProcess awaitMain(Duration timeout) {
    return Wait.until(
        "a coordinator to answer /ping as main",
        timeout,
        POLL,
        () -> coordinators.stream().filter(c -> c.isAlive() && client.ping(c.webUrl()).isMain()).findFirst().orElse(null),
        () -> coordinators.stream().anyMatch(NodeProcess::isAlive) ? null : "no coordinator is running");
  }

  /** Starts a node the benchmark stopped again. */
  void restart(NodeProcess node) {
    node.start(processes, jvmOptions);
  }

  /** Waits until {@code node} answers {@code /ping} with {@code role}. */
  void awaitRole(NodeProcess node, String role, Duration timeout) {
    Wait.until(
        node.name() + " to report role " + role,
        timeout,
        POLL,
        () -> role.equals(client.ping(node.webUrl()).role()) ? Boolean.TRUE : null,
        node::deadReason);
  }

  /**
   * Waits until {@code main} is the main, {@code standby} a standby, every executor process runs and the
   * main has registered every executor at its epoch.
   */
  void awaitSteady(NodeProcess main, NodeProcess standby, Duration timeout) {
    awaitRole(main, "main", timeout);
    awaitRole(standby, "standby", timeout);
    Set<String> expected = executorNames();
    Wait.until(
        "every executor " + expected + " to be registered with " + main.name(),
        timeout,
        POLL,
        () -> allRegistered(client.cluster(main.webUrl()), expected, 0) ? Boolean.TRUE : null,
        () -> {
          for (NodeProcess node : executors) {
            if (!node.isAlive()) {
              return node.deadReason();
            }
          }
          return main.deadReason();
        });
  }

  /**
   * True when the view comes from a main above {@code olderThanEpoch} that lists exactly the expected
   * executors, each registered at that main's epoch.
   */
  static boolean allRegistered(NodeClient.ClusterView view, Set<String> expected, long olderThanEpoch) {
    if (view.status() != 200 || !"main".equals(view.role()) || view.mainEpoch() <= olderThanEpoch) {
      return false;
    }
    if (!view.executorEpochs().keySet().equals(expected)) {
      return false;
    }
    return view.executorEpochs().values().stream().allMatch(epoch -> epoch == view.mainEpoch());
  }
}
