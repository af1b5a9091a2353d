package io.mainstay.testkit.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.process.Jvm;
import io.mainstay.testkit.zookeeper.ZooKeeperEnsemble;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An HA cluster of real processes on loopback: an external ZooKeeper (one server or an ensemble),
 * main-eligible coordinators {@code coord-1..n} sharing ONE {@code paths.local} (the NFS volume of
 * production), and executor-only nodes {@code exec-1..m}, each with its own configuration directory.
 *
 * <p>It remembers every incarnation of every node and what its caller said should become of it (kill
 * -9, exit with a code, or keep running), so a caller can tell a process that should have exited from
 * one that should still run, and a node that exited on its own from one that was stopped.
 */
public final class LocalCluster {

  /**
   * 4 s by default, not the benchmark's 2 s: a JVM starting next to four others on two cores can go
   * silent for over a second, and a lost session would be a fault the test did not inject.
   */
  public static final int DEFAULT_SESSION_TIMEOUT_MS = 4000;
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMillis(DEFAULT_SESSION_TIMEOUT_MS);
  /**
   * How long a node may take to start: 7-14 s alone on a two-core machine, much more when five JVMs
   * start at once next to other builds. Failover deadlines stay at {@link Await#GENEROUS}.
   */
  public static final Duration STARTUP = Duration.ofMinutes(3);

  private final String clusterId;
  private final Path store;
  private final String zookeeperConnect;
  private final Optional<ZooKeeperProcess> zookeeper;
  private final Optional<ZooKeeperEnsemble> ensemble;
  private final List<MainstayNodeProcess> coordinators;
  private final List<MainstayNodeProcess> executors;
  private final List<Incarnation> incarnations = new CopyOnWriteArrayList<>();
  private final List<String> unplannedExits = new CopyOnWriteArrayList<>();

  private LocalCluster(Builder b, String zookeeperConnect, Optional<ZooKeeperProcess> zookeeper,
      Optional<ZooKeeperEnsemble> ensemble) {
    this.clusterId = b.clusterId;
    this.store = b.store != null ? b.store : b.dir.resolve("shared-store");
    this.zookeeperConnect = zookeeperConnect;
    this.zookeeper = zookeeper;
    this.ensemble = ensemble;
    List<MainstayNodeProcess> coords = new ArrayList<>();
    for (int i = 1; i <= b.coordinators; i++) {
      MainstayNodeBuilder coordinator = b.node(b.prefix + "coord-" + i, zookeeperConnect).sharedStore(store);
      if (b.firstWebPort != null) {
        coordinator.webPort(b.firstWebPort + i - 1);
      }
      coords.add(coordinator.build());
    }
    List<MainstayNodeProcess> execs = new ArrayList<>();
    for (int i = 1; i <= b.executors; i++) {
      execs.add(b.executorConf.apply(b.node(b.prefix + "exec-" + i, zookeeperConnect)
          .coordinator(false).mainEligible(false).executor(true)).build());
    }
    this.coordinators = List.copyOf(coords);
    this.executors = List.copyOf(execs);
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** What the cluster is made of; {@link #build()} or {@link #start()} makes it. */
  public static final class Builder {
    private final Path dir;
    private String clusterId = "faults";
    private String prefix = "";
    private Path store;
    private int coordinators = 3;
    private int executors = 2;
    private int ensembleSize;
    private int sessionTimeoutMs = DEFAULT_SESSION_TIMEOUT_MS;
    private List<String> nodeJvmOptions;
    private List<String> zooKeeperJvmOptions = Jvm.QUICK_START;
    private NodeHttp.Timeouts httpTimeouts = NodeHttp.Timeouts.SHORT;
    private UnaryOperator<MainstayNodeBuilder> executorConf = UnaryOperator.identity();
    private UnaryOperator<MainstayNodeBuilder> nodeConf = UnaryOperator.identity();
    private String nodeClasspath;
    private boolean detached;
    private Integer zooKeeperPort;
    private Integer firstWebPort;

    private Builder(Path dir) {
      this.dir = dir;
    }

    public Builder clusterId(String id) {
      this.clusterId = id;
      return this;
    }

    /** Prefix of node names, so two clusters in one directory never share a name or a directory. */
    public Builder namePrefix(String namePrefix) {
      this.prefix = namePrefix;
      return this;
    }

    /** The shared {@code paths.local}; default {@code dir/shared-store}. */
    public Builder store(Path sharedStore) {
      this.store = sharedStore;
      return this;
    }

    public Builder coordinators(int n) {
      this.coordinators = n;
      return this;
    }

    public Builder executors(int n) {
      this.executors = n;
      return this;
    }

    /** A ZooKeeper ensemble of {@code size} servers instead of one standalone server. */
    public Builder ensemble(int size) {
      this.ensembleSize = size;
      return this;
    }

    /** {@code zk.client.session.timeout} of every node; default {@link #DEFAULT_SESSION_TIMEOUT_MS}. */
    public Builder sessionTimeoutMs(int millis) {
      this.sessionTimeoutMs = millis;
      return this;
    }

    /** Every node's JVM options; default the kit's test JVM (see {@link MainstayNodeBuilder#jvmOptions}). */
    public Builder nodeJvmOptions(List<String> options) {
      this.nodeJvmOptions = List.copyOf(options);
      return this;
    }

    /** The standalone ZooKeeper's JVM options; default {@link Jvm#QUICK_START}. */
    public Builder zooKeeperJvmOptions(List<String> options) {
      this.zooKeeperJvmOptions = List.copyOf(options);
      return this;
    }

    public Builder httpTimeouts(NodeHttp.Timeouts timeouts) {
      this.httpTimeouts = timeouts;
      return this;
    }

    /** More configuration for every executor, e.g. {@code b -> b.extraConf("services.executor.slots = 2")}. */
    public Builder executorConf(UnaryOperator<MainstayNodeBuilder> more) {
      this.executorConf = more;
      return this;
    }

    /** More configuration for every node, coordinators and executors, applied before {@link #executorConf}. */
    public Builder nodeConf(UnaryOperator<MainstayNodeBuilder> more) {
      this.nodeConf = more;
      return this;
    }

    /** The standalone ZooKeeper's client port (e.g. a well-known one for a command); a free port by default. */
    public Builder zooKeeperPort(int port) {
      this.zooKeeperPort = port;
      return this;
    }

    /** coord-1's web port; coord-N gets the N-1th after it. Free ports by default. */
    public Builder firstWebPort(int port) {
      this.firstWebPort = port;
      return this;
    }

    /** The classpath every node runs on (it must hold {@code MainstayNode}); default this JVM's. */
    public Builder nodeClasspath(String classpath) {
      this.nodeClasspath = classpath;
      return this;
    }

    /**
     * Nodes and the standalone ZooKeeper outlive this JVM, each with a pid file in its directory, for a
     * command that starts a cluster and exits; by default they are killed when this JVM exits.
     */
    public Builder detached() {
      this.detached = true;
      return this;
    }

    private MainstayNodeBuilder node(String name, String zookeeperConnect) {
      MainstayNodeBuilder node = MainstayNodeProcess.builder(dir, name)
          .zookeeper(zookeeperConnect).clusterId(clusterId).sessionTimeoutMs(sessionTimeoutMs)
          .httpTimeouts(httpTimeouts).detached(detached);
      if (nodeClasspath != null) {
        node.classpath(nodeClasspath);
      }
      return nodeConf.apply(nodeJvmOptions == null ? node : node.jvmOptions(nodeJvmOptions));
    }

    /** Starts ZooKeeper and writes every node's configuration; no node runs yet. */
    public LocalCluster build() {
      if (ensembleSize > 0) {
        ZooKeeperEnsemble zk = ZooKeeperEnsemble.start(dir.resolve(prefix + "zookeeper"), ensembleSize);
        zk.members().forEach(ZooKeeperProcess::favour);
        return new LocalCluster(this, zk.connectString(), Optional.empty(), Optional.of(zk));
      }
      ZooKeeperProcess zk = standaloneZooKeeper().start().favour();
      return new LocalCluster(this, zk.connectString(), Optional.of(zk), Optional.empty());
    }

    /**
     * ZooKeeper and every node launched at once, then {@link LocalCluster#awaitSettled()}. A standalone
     * ZooKeeper starts alongside the nodes (they wait up to 30 s to connect); an ensemble's ports are
     * known only once it runs, so it starts first.
     */
    public LocalCluster start() {
      if (ensembleSize > 0) {
        LocalCluster cluster = build();
        cluster.launchAll();
        return cluster.awaitSettled();
      }
      ZooKeeperProcess zk = standaloneZooKeeper();
      CompletableFuture<ZooKeeperProcess> serving = CompletableFuture.supplyAsync(zk::start);
      LocalCluster cluster = new LocalCluster(this, zk.connectString(), Optional.of(zk), Optional.empty());
      cluster.launchAll();
      serving.join().favour();
      return cluster.awaitSettled();
    }

    private ZooKeeperProcess standaloneZooKeeper() {
      Path zkDir = dir.resolve(prefix + "zookeeper");
      ZooKeeperProcess zk = zooKeeperPort == null
          ? ZooKeeperProcess.standalone(zkDir, zooKeeperJvmOptions)
          : ZooKeeperProcess.standalone(zkDir, zooKeeperPort, zooKeeperJvmOptions);
      if (nodeClasspath != null) {
        zk.classpath(nodeClasspath);
      }
      return detached ? zk.detached() : zk;
    }
  }

  // ---------------------------------------------------------------- processes

  /** Launches every node back to back without waiting: startup is the slow part, so it runs in parallel. */
  public LocalCluster launchAll() {
    allNodes().forEach(this::launch);
    return this;
  }

  /** Starts (a new incarnation of) {@code node}; returns at once. */
  public MainstayNodeProcess launch(MainstayNodeProcess node) {
    node.start();
    incarnations.add(Incarnation.of(node, node.process()));
    return node;
  }

  /** Restarts a coordinator that exited or was killed and waits until it is a standby. */
  public MainstayNodeProcess restartAsStandby(MainstayNodeProcess coordinator) {
    launch(coordinator).awaitRole(Ping.STANDBY, STARTUP);
    return coordinator;
  }

  /**
   * Waits for one main among the coordinators, every other live coordinator its standby naming it,
   * every live executor registered with it at its epoch.
   */
  public LocalCluster awaitSettled() {
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
      // an executor can register with the main before its own Pekko join is done (the main's record
      // reaches it first); a main killed in that window leaves it joining a dead cluster: a fault the
      // test did not inject. Its role line comes only after the join.
      executor.awaitLog(": starting -> executor: registered with ZooKeeper", STARTUP);
      executor.awaitLog("registered with main", STARTUP);
    }
    awaitExecutorsRegistered(main);
    return this;
  }

  /**
   * Starts again every node whose current incarnation ended although nobody meant it to (on a loaded
   * machine a node can lose its ZooKeeper session and exit, as designed), recording it in
   * {@link #unplannedExits()}, then {@link #awaitSettled()} and returns the main. Tries again, up to 5
   * times, while nodes keep exiting on their own.
   */
  public MainstayNodeProcess recover() {
    AssertionError last = null;
    for (int attempt = 1; attempt <= 5; attempt++) {
      for (MainstayNodeProcess node : allNodes()) {
        Incarnation current = current(node);
        if (current.exitedUnplanned()) {
          unplannedExits.add(node.name() + " exited with code " + current.process().exitCode() + " at " + LocalTime.now());
          launch(node);
        }
      }
      try {
        awaitSettled();
        return main();
      } catch (AssertionError e) {
        if (allNodes().stream().noneMatch(node -> current(node).exitedUnplanned())) {
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }

  /** Nodes that exited without anyone stopping them, with their exit codes, in order; see {@link #recover()}. */
  public List<String> unplannedExits() {
    return List.copyOf(unplannedExits);
  }

  /** SIGKILL of the current incarnation, recorded as intended. */
  public void kill9(MainstayNodeProcess node) {
    current(node).markKilled();
    node.kill9();
  }

  /** SIGTERM of the current incarnation, recorded as meant to exit 0; returns at once. */
  public void sigterm(MainstayNodeProcess node) {
    current(node).expectExit(0);
    node.sigterm();
  }

  /** Records that the current incarnation of {@code node} must end with {@code code}, then waits for it. */
  public void awaitExit(MainstayNodeProcess node, int code, Duration deadline) {
    current(node).expectExit(code);
    int actual = node.waitForExit(deadline);
    if (actual != code) {
      throw new AssertionError(node.name() + " exit code: expected " + code + " but was " + actual
          + " (log: " + node.process().logFile() + ")");
    }
  }

  /** SIGTERM and the graceful exit (code 0) that must follow. */
  public void stopGracefully(MainstayNodeProcess node) {
    sigterm(node);
    awaitExit(node, 0, Await.GENEROUS);
  }

  /** kill -9 of every node that runs, recorded as intended, then of ZooKeeper: the end of a run. */
  public void killAll() {
    allNodes().stream().filter(MainstayNodeProcess::isAlive).forEach(this::kill9);
    zookeeper.filter(ZooKeeperProcess::isRunning).ifPresent(ZooKeeperProcess::kill9);
    ensemble.ifPresent(zk -> zk.members().stream().filter(ZooKeeperProcess::isRunning).forEach(ZooKeeperProcess::kill9));
  }

  public Incarnation current(MainstayNodeProcess node) {
    for (int i = incarnations.size() - 1; i >= 0; i--) {
      Incarnation incarnation = incarnations.get(i);
      if (incarnation.node() == node) {
        return incarnation;
      }
    }
    throw new IllegalStateException(node.name() + " was never launched by the cluster");
  }

  public List<Incarnation> incarnations() {
    return List.copyOf(incarnations);
  }

  // ---------------------------------------------------------------- who is where

  /** Waits for exactly one live coordinator answering 200 main, and returns it. */
  public MainstayNodeProcess main() {
    return Await.value("exactly one main among " + coordinators, Await.GENEROUS, this::currentMain,
        () -> liveCoordinators().isEmpty() ? "no coordinator is running" : null);
  }

  /** The one coordinator answering 200 main now; null when none does, an error when more than one do. */
  public MainstayNodeProcess currentMain() {
    List<MainstayNodeProcess> mains = liveCoordinators().stream().filter(c -> c.ping().isMain()).toList();
    if (mains.size() > 1) {
      throw new AssertionError("two nodes answer as main at once: " + mains);
    }
    return mains.isEmpty() ? null : mains.get(0);
  }

  /** Waits for a main other than {@code old}, at an epoch above {@code oldEpoch}. */
  public MainstayNodeProcess awaitNewMain(MainstayNodeProcess old, long oldEpoch) {
    return Await.value("a new main after " + old.name() + " (epoch > " + oldEpoch + ")", Await.GENEROUS, () -> {
      MainstayNodeProcess main = currentMain();
      return main != null && main != old && main.ping().epoch() > oldEpoch ? main : null;
    });
  }

  /** The main's registry lists exactly the live executors, each registered at the main's epoch. */
  public void awaitExecutorsRegistered(MainstayNodeProcess main) {
    List<String> live = names(liveExecutors());
    Await.until("the live executors " + live + " registered with " + main.name() + " at its epoch, and no other",
        Await.GENEROUS, () -> {
          long epoch = main.ping().epoch();
          HttpResult view = main.http().cluster();
          if (view.status() != 200) {
            throw new AssertionError("cluster view: " + view.status() + " " + view.body());
          }
          JsonNode json = view.json();
          Map<String, JsonNode> listed = new HashMap<>();
          json.path("executors").forEach(e -> listed.put(e.path("node").asText(), e));
          Set<String> expected = new HashSet<>(names(liveExecutors()));
          if (!listed.keySet().equals(expected)) {
            throw new AssertionError("executors listed " + listed.keySet() + ", live " + expected + ": " + json);
          }
          for (JsonNode e : listed.values()) {
            if (e.path("epoch").asLong() != epoch || !"registered".equals(e.path("state").asText())) {
              throw new AssertionError("executor not registered at epoch " + epoch + ": " + e);
            }
          }
          return json.path("main").path("epoch").asLong() == epoch;
        });
  }

  /** The coordinator that is not {@code coordinator}, in a cluster of two. */
  public MainstayNodeProcess other(MainstayNodeProcess coordinator) {
    if (coordinators.size() != 2) {
      throw new IllegalStateException("other() needs exactly two coordinators, not " + coordinators.size());
    }
    return coordinators.get(0) == coordinator ? coordinators.get(1) : coordinators.get(0);
  }

  public List<MainstayNodeProcess> coordinators() {
    return coordinators;
  }

  public List<MainstayNodeProcess> executors() {
    return executors;
  }

  public List<MainstayNodeProcess> allNodes() {
    return Stream.concat(coordinators.stream(), executors.stream()).toList();
  }

  public List<MainstayNodeProcess> liveCoordinators() {
    return coordinators.stream().filter(MainstayNodeProcess::isAlive).toList();
  }

  public List<MainstayNodeProcess> liveExecutors() {
    return executors.stream().filter(MainstayNodeProcess::isAlive).toList();
  }

  public Path store() {
    return store;
  }

  public String clusterId() {
    return clusterId;
  }

  public String zookeeperConnect() {
    return zookeeperConnect;
  }

  /** The standalone server; fails for an ensemble. */
  public ZooKeeperProcess zookeeper() {
    return zookeeper.orElseThrow(() -> new IllegalStateException("this cluster runs an ensemble"));
  }

  public ZooKeeperEnsemble ensemble() {
    return ensemble.orElseThrow(() -> new IllegalStateException("this cluster runs a standalone ZooKeeper"));
  }

  private static List<String> names(List<MainstayNodeProcess> nodes) {
    return nodes.stream().map(MainstayNodeProcess::name).toList();
  }
}
