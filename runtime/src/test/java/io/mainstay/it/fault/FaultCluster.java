package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mainstay.testing.Await;
import io.mainstay.testing.JavaProcess;
import io.mainstay.testing.MainstayNodeProcess;
import io.mainstay.testing.Ping;
import io.mainstay.testing.ZooKeeperEnsemble;
import io.mainstay.testing.ZooKeeperProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The cluster every fault test breaks: a ZooKeeper (one server or an ensemble of three),
 * main-eligible coordinators {@code coord-1..n} sharing ONE {@code paths.local} (the NFS volume of
 * production), executor-only nodes {@code exec-1..m}, all with 2 s ZooKeeper sessions.
 *
 * <p>It remembers every incarnation of every node and what the test said should become of it (kill
 * -9, exit with a code, or keep running), so {@link Invariants} can tell a process that should have
 * exited from one that should still run.
 */
final class FaultCluster {

  /**
   * 4 s, not the benchmark's 2 s: a JVM starting next to four others on two cores can go silent for
   * over a second, and a lost session would be a fault the test did not inject.
   */
  static final int SESSION_TIMEOUT_MS = 4000;
  static final Duration SESSION_TIMEOUT = Duration.ofMillis(SESSION_TIMEOUT_MS);
  /**
   * How long a node may take to start: 7-14 s alone on this two-core machine, much more when five
   * JVMs start at once next to other builds. Failover deadlines stay at {@link Await#GENEROUS}.
   */
  static final Duration STARTUP = Duration.ofMinutes(3);

  /** One life of one node process and its fate as the test decided it. */
  static final class Incarnation {
    final MainstayNodeProcess node;
    final JavaProcess process;
    volatile boolean killed;
    volatile Integer expectedExit;

    Incarnation(MainstayNodeProcess node, JavaProcess process) {
      this.node = node;
      this.process = process;
    }

    boolean shouldRun() {
      return !killed && expectedExit == null;
    }

    @Override
    public String toString() {
      return process + (killed ? " [killed]" : expectedExit != null ? " [exit " + expectedExit + "]" : " [running]");
    }
  }

  private final String clusterId;
  private final Path store;
  private final String zookeeperConnect;
  private final Optional<ZooKeeperProcess> zookeeper;
  private final Optional<ZooKeeperEnsemble> ensemble;
  private final List<MainstayNodeProcess> coordinators;
  private final List<MainstayNodeProcess> executors;
  private final List<Incarnation> incarnations = new CopyOnWriteArrayList<>();

  private FaultCluster(Builder b, String zookeeperConnect, Optional<ZooKeeperProcess> zookeeper,
      Optional<ZooKeeperEnsemble> ensemble) {
    this.clusterId = b.clusterId;
    this.store = b.store != null ? b.store : b.dir.resolve("shared-store");
    this.zookeeperConnect = zookeeperConnect;
    this.zookeeper = zookeeper;
    this.ensemble = ensemble;
    List<MainstayNodeProcess> coords = new ArrayList<>();
    for (int i = 1; i <= b.coordinators; i++) {
      coords.add(MainstayNodeProcess.builder(b.dir, b.prefix + "coord-" + i)
          .zookeeper(zookeeperConnect).clusterId(clusterId).sharedStore(store)
          .sessionTimeoutMs(SESSION_TIMEOUT_MS).build());
    }
    List<MainstayNodeProcess> execs = new ArrayList<>();
    for (int i = 1; i <= b.executors; i++) {
      execs.add(MainstayNodeProcess.builder(b.dir, b.prefix + "exec-" + i)
          .zookeeper(zookeeperConnect).clusterId(clusterId)
          .coordinator(false).masterEligible(false).executor(true)
          .sessionTimeoutMs(SESSION_TIMEOUT_MS).build());
    }
    this.coordinators = List.copyOf(coords);
    this.executors = List.copyOf(execs);
  }

  static Builder builder(Path dir) {
    return new Builder(dir);
  }

  static final class Builder {
    private final Path dir;
    private String clusterId = "faults";
    private String prefix = "";
    private Path store;
    private int coordinators = 3;
    private int executors = 2;
    private int ensembleSize;
    private String existingZooKeeper;

    private Builder(Path dir) {
      this.dir = dir;
    }

    Builder clusterId(String id) {
      this.clusterId = id;
      return this;
    }

    /** Prefix of node names, so two clusters in one test never share a name or a directory. */
    Builder namePrefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /** The shared {@code paths.local}; default {@code dir/shared-store}. */
    Builder store(Path store) {
      this.store = store;
      return this;
    }

    Builder coordinators(int n) {
      this.coordinators = n;
      return this;
    }

    Builder executors(int n) {
      this.executors = n;
      return this;
    }

    /** A ZooKeeper ensemble of {@code size} servers instead of one standalone server. */
    Builder ensemble(int size) {
      this.ensembleSize = size;
      return this;
    }

    /** Starts ZooKeeper and writes every node's configuration; no node runs yet. */
    FaultCluster build() {
      if (ensembleSize > 0) {
        ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(dir.resolve(prefix + "zookeeper"), ensembleSize);
        zk.members().forEach(FaultCluster::favour);
        return new FaultCluster(this, zk.connectString(), Optional.empty(), Optional.of(zk));
      }
      ZooKeeperProcess zk = favour(ZooKeeperProcess.standalone(dir.resolve(prefix + "zookeeper")).start());
      return new FaultCluster(this, zk.connectString(), Optional.of(zk), Optional.empty());
    }

    /**
     * ZooKeeper and every node launched at once, then {@link FaultCluster#awaitSettled()}. A standalone
     * ZooKeeper starts alongside the nodes (they wait up to 30 s to connect); an ensemble's ports are
     * known only once it runs, so it starts first.
     */
    FaultCluster start() {
      if (ensembleSize > 0) {
        FaultCluster cluster = build();
        cluster.launchAll();
        return cluster.awaitSettled();
      }
      ZooKeeperProcess zk = ZooKeeperProcess.standalone(dir.resolve(prefix + "zookeeper"));
      CompletableFuture<ZooKeeperProcess> serving = CompletableFuture.supplyAsync(zk::start);
      FaultCluster cluster = new FaultCluster(this, zk.connectString(), Optional.of(zk), Optional.empty());
      cluster.launchAll();
      favour(serving.join());
      return cluster.awaitSettled();
    }
  }

  // ---------------------------------------------------------------- processes

  /**
   * Runs a ZooKeeper server at a higher CPU priority (nice -5), when allowed. On a shared two-core
   * machine a server starved for longer than the 2 s session expires every session at once, a fault
   * nobody injected; production ZooKeeper has its own hosts. Call again after each restart (new pid).
   */
  static ZooKeeperProcess favour(ZooKeeperProcess zk) {
    try {
      Process renice = new ProcessBuilder("renice", "-n", "-5", "-p", Long.toString(zk.process().pid()))
          .redirectErrorStream(true).start();
      renice.getInputStream().readAllBytes();
      renice.waitFor();
    } catch (IOException e) {
      // no renice here: run at normal priority
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return zk;
  }

  /** Launches every node back to back without waiting: startup is the slow part, so it runs in parallel. */
  FaultCluster launchAll() {
    allNodes().forEach(this::launch);
    return this;
  }

  /** Starts (a new incarnation of) {@code node}; returns at once. */
  MainstayNodeProcess launch(MainstayNodeProcess node) {
    node.start();
    incarnations.add(new Incarnation(node, node.process()));
    return node;
  }

  /** Restarts a coordinator that exited or was killed and waits until it is a standby. */
  MainstayNodeProcess restartAsStandby(MainstayNodeProcess coordinator) {
    launch(coordinator).awaitRole(Ping.STANDBY, STARTUP);
    return coordinator;
  }

  /**
   * One main among the coordinators, every other live coordinator its standby naming it, every live
   * executor registered with it at its epoch.
   */
  FaultCluster awaitSettled() {
    for (MainstayNodeProcess coordinator : liveCoordinators()) {
      coordinator.process().awaitWhileRunning(coordinator.name() + " to be main or standby", STARTUP,
          () -> {
            String role = coordinator.ping().role();
            return Ping.MAIN.equals(role) || Ping.STANDBY.equals(role);
          });
    }
    MainstayNodeProcess main = main();
    Await.until("every live coordinator a standby of " + main.name(), Await.GENEROUS, () -> liveCoordinators().stream()
        .filter(c -> c != main)
        .allMatch(c -> {
          Ping ping = c.ping();
          return Ping.STANDBY.equals(ping.role()) && main.webUrl().equals(ping.main());
        }));
    for (MainstayNodeProcess executor : liveExecutors()) {
      executor.awaitLog("registered with main", STARTUP);
    }
    Invariants.awaitExecutorsRegistered(this, main);
    return this;
  }

  /** SIGKILL of the current incarnation, recorded as intended. */
  void kill9(MainstayNodeProcess node) {
    current(node).killed = true;
    node.kill9();
  }

  /** Records that the current incarnation of {@code node} must end with {@code code}, then waits for it. */
  void awaitExit(MainstayNodeProcess node, int code, Duration deadline) {
    current(node).expectedExit = code;
    int actual = node.waitForExit(deadline);
    assertEquals(code, actual, node.name() + " exit code (log: " + node.process().logFile() + ")");
  }

  /** SIGTERM and the graceful exit (code 0) that must follow. */
  void stopGracefully(MainstayNodeProcess node) {
    current(node).expectedExit = 0;
    node.sigterm();
    awaitExit(node, 0, Await.GENEROUS);
  }

  Incarnation current(MainstayNodeProcess node) {
    for (int i = incarnations.size() - 1; i >= 0; i--) {
      Incarnation incarnation = incarnations.get(i);
      if (incarnation.node == node) {
        return incarnation;
      }
    }
    throw new IllegalStateException(node.name() + " was never launched by the fixture");
  }

  List<Incarnation> incarnations() {
    return List.copyOf(incarnations);
  }

  // ---------------------------------------------------------------- who is where

  /** Waits for exactly one live coordinator answering 200 main, and returns it. */
  MainstayNodeProcess main() {
    return Await.value("exactly one main among " + coordinators, Await.GENEROUS, this::currentMain);
  }

  /** The one coordinator answering 200 main now; null when none or more than one do. */
  MainstayNodeProcess currentMain() {
    List<MainstayNodeProcess> mains = liveCoordinators().stream()
        .filter(c -> {
          Ping ping = c.ping();
          return ping.status() == 200 && Ping.MAIN.equals(ping.role());
        })
        .toList();
    if (mains.size() > 1) {
      throw new AssertionError("two nodes answer as main at once: " + mains);
    }
    return mains.isEmpty() ? null : mains.get(0);
  }

  /** Waits for a main other than {@code old}, at an epoch above {@code oldEpoch}. */
  MainstayNodeProcess awaitNewMain(MainstayNodeProcess old, long oldEpoch) {
    return Await.value("a new main after " + old.name() + " (epoch > " + oldEpoch + ")", Await.GENEROUS, () -> {
      MainstayNodeProcess main = currentMain();
      return main != null && main != old && main.ping().epoch() > oldEpoch ? main : null;
    });
  }

  List<MainstayNodeProcess> coordinators() {
    return coordinators;
  }

  List<MainstayNodeProcess> executors() {
    return executors;
  }

  List<MainstayNodeProcess> allNodes() {
    return Stream.concat(coordinators.stream(), executors.stream()).toList();
  }

  List<MainstayNodeProcess> liveCoordinators() {
    return coordinators.stream().filter(MainstayNodeProcess::isAlive).toList();
  }

  List<MainstayNodeProcess> liveExecutors() {
    return executors.stream().filter(MainstayNodeProcess::isAlive).toList();
  }

  Path store() {
    return store;
  }

  String clusterId() {
    return clusterId;
  }

  String zookeeperConnect() {
    return zookeeperConnect;
  }

  /** The standalone server; fails for an ensemble. */
  ZooKeeperProcess zookeeper() {
    return zookeeper.orElseThrow(() -> new IllegalStateException("this cluster runs an ensemble"));
  }

  ZooKeeperEnsemble ensemble() {
    return ensemble.orElseThrow(() -> new IllegalStateException("this cluster runs a standalone ZooKeeper"));
  }

  // ---------------------------------------------------------------- invariants

  /** The four invariants of the fault suite; see {@link Invariants}. */
  void checkInvariants(CatalogWriter writer, FaultCluster... sharingTheStore) {
    Invariants.check(this, writer, List.of(sharingTheStore));
  }
}
