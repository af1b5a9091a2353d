package io.mainstay.testkit.localcluster;

import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bin/mainstay-local-cluster}: a whole HA cluster on this machine, for trying out failover: one
 * external ZooKeeper, two main-eligible coordinators sharing one store directory (standing in for the
 * NFS volume) and N executors. Nodes run through {@code bin/mainstay} (see {@link MainstayScript}), so
 * they are laid out and launched exactly as an operator's. Needs {@code -Dmainstay.home}.
 */
public final class LocalClusterCommand {

  static final int USAGE = 64;
  private static final String CLUSTER_ID = "local";
  private static final Duration FIRST_MAIN = Duration.ofSeconds(30);
  private static final Duration TAKEOVER = Duration.ofSeconds(60);

  private final Map<String, String> env;
  private final WorkDir work;
  private final String self;
  private final MainstayScript mainstay;
  private final PrintStream out = System.out;

  LocalClusterCommand(Path home, Map<String, String> env) {
    this.env = env;
    String dir = env.getOrDefault("MAINSTAY_LOCAL_CLUSTER_DIR", "");
    this.work = new WorkDir((dir.isEmpty() ? home.resolve("local-cluster") : Path.of(dir)).toAbsolutePath().normalize());
    this.self = home.resolve("bin").resolve("mainstay-local-cluster").toString();
    this.mainstay = new MainstayScript(home, work);
  }

  public static void main(String[] args) {
    String home = System.getProperty("mainstay.home");
    if (home == null) {
      System.err.println("local-cluster: run through bin/mainstay-local-cluster (-Dmainstay.home is not set)");
      System.exit(USAGE);
    }
    System.exit(new LocalClusterCommand(Path.of(home), System.getenv()).run(List.of(args)));
  }

  /** Runs one command; returns the exit code. */
  int run(List<String> args) {
    String verb = args.isEmpty() ? "" : args.get(0);
    String option = args.size() == 2 ? args.get(1) : "";
    try {
      switch (verb) {
        case "up" -> {
          return args.size() == 1 ? up() : usage();
        }
        case "status" -> {
          return args.size() == 1 ? status(settings()) : usage();
        }
        case "kill-main" -> {
          return args.size() == 1 || option.equals("--wait") ? killMain(option.equals("--wait")) : usage();
        }
        case "down" -> {
          return args.size() == 1 || option.equals("--purge") ? down(option.equals("--purge")) : usage();
        }
        case "-h", "--help", "help" -> {
          out.print(Usage.text());
          return 0;
        }
        default -> {
          return usage();
        }
      }
    } catch (LocalClusterException e) {
      System.err.println("local-cluster: " + e.getMessage());
      return 1;
    }
  }

  private int usage() {
    System.err.print(Usage.text());
    return USAGE;
  }

  // ---------------------------------------------------------------- up

  private int up() {
    LocalClusterSettings settings = settings();
    LocalZooKeeper zk = new LocalZooKeeper(work, settings.zooKeeperPort());
    List<String> missing = settings.nodes().stream()
        .filter(node -> !(work.existingNodes().contains(node) && mainstay.isRunning(node)))
        .toList();
    if (missing.isEmpty() && zk.process().isPresent()) {
      say("the local cluster is already up in " + work.root());
      status(settings);
      return 0;
    }
    work.create();
    work.recordSettings(settings);
    say("work dir " + work.root());
    zk.process().ifPresentOrElse(
        process -> say("ZooKeeper already running (pid " + process.pid() + ", port " + zk.port() + ")"),
        () -> zk.start(this::say));
    dropSurplusExecutors(settings);

    Coordinators coordinators = new Coordinators(work, settings);
    for (String node : settings.nodes()) {
      if (!missing.contains(node) || mainstay.isRunning(node)) {
        say(node + " already running");
        continue;
      }
      writeConf(node, settings, zk);
      if (mainstay.run(node, "start") != 0) {
        throw new LocalClusterException(node + " did not start; see " + work.log().resolve(NodeName.instance(node))
            + ".log and .out");
      }
      // coord-1 should be the main before coord-2 joins the election, so the layout is the same every time.
      if (node.equals(NodeName.coordinator(1))) {
        coordinators.awaitMain(null, FIRST_MAIN).ifPresentOrElse(
            main -> say(main.node() + " is the main (epoch " + main.ping().epoch() + ")"),
            () -> say("no coordinator answers /ping with 200 after " + FIRST_MAIN.toSeconds()
                + " s; starting the others anyway"));
      }
    }
    printWhatNext(settings, coordinators, zk);
    return 0;
  }

  /** A node's conf dir, rewritten by every up while the node is not running. */
  private void writeConf(String node, LocalClusterSettings settings, LocalZooKeeper zk) {
    MainstayNodeBuilder conf = MainstayNodeProcess.builder(work.nodes(), node)
        .zookeeper(zk.connectString())
        .clusterId(CLUSTER_ID)
        .sessionTimeoutMs(settings.sessionMs())
        .fabricPort(0);
    if (NodeName.isExecutor(node)) {
      conf.coordinator(false).mainEligible(false).executor(true).sharedStore(work.store(node));
    } else {
      conf.sharedStore(work.sharedStore()).webPort(settings.webPort() + NodeName.number(node) - 1);
    }
    conf.writeConfDir();
  }

  /**
   * Executors beyond MAINSTAY_LOCAL_EXECUTORS left from an earlier up: their conf dir goes (not their
   * data) when they are not running, so status and down show the cluster as it is now.
   */
  private void dropSurplusExecutors(LocalClusterSettings settings) {
    for (String node : work.existingNodes()) {
      if (!NodeName.isExecutor(node) || NodeName.number(node) <= settings.executors()) {
        continue;
      }
      if (mainstay.isRunning(node)) {
        say(node + " is running although " + LocalClusterSettings.EXECUTORS + "=" + settings.executors()
            + "; leaving it (down stops it)");
      } else {
        work.removeConf(node);
        say("removed the conf dir of " + node + " (" + LocalClusterSettings.EXECUTORS + "=" + settings.executors() + ")");
      }
    }
  }

  private void printWhatNext(LocalClusterSettings settings, Coordinators coordinators, LocalZooKeeper zk) {
    List<String> urls = work.coordinators().stream().map(coordinators::url).toList();
    String base = coordinators.url(NodeName.coordinator(1));
    out.println();
    say("up: ZooKeeper on " + zk.connectString() + ", coordinators " + String.join(" ", urls) + " and "
        + settings.executors() + " executor(s); logs in " + work.log());
    out.println("Watch it:");
    out.println("  curl -s " + base + "/ping                   # 200 on the main, 503 (and the main's URL) on a standby");
    out.println("  curl -s " + base + "/api/v1/cluster         # main, standbys and registered executors (give executors a few seconds)");
    out.println("  " + self + " status");
    out.println("Fail over:");
    out.println("  " + self + " kill-main [--wait]   # kill -9 the main; a standby takes over, the executors follow");
    out.println("  " + self + " up                   # bring the killed node back (it comes back as a standby), or by hand:");
    out.println("  " + mainstay.byHand("<node>", "start"));
    out.println("Stop:");
    out.println("  " + self + " down [--purge]");
  }

  // ---------------------------------------------------------------- status

  /** 0: all running and a main answers; 1: something is missing; 2: no local cluster in the work dir. */
  private int status(LocalClusterSettings settings) {
    if (!work.hasNodes()) {
      say("no local cluster in " + work.root() + " (run: " + self + " up)");
      return 2;
    }
    int rc = 0;
    LocalZooKeeper zk = new LocalZooKeeper(work, settings.zooKeeperPort());
    Optional<ProcessHandle> zkProcess = zk.process();
    if (zkProcess.isPresent()) {
      String answer = zk.ruok();
      say("ZooKeeper running (pid " + zkProcess.get().pid() + "), " + zk.connectString() + ", ruok: " + answer);
      rc = answer.equals("imok") ? rc : 1;
    } else {
      say("ZooKeeper not running (port " + zk.port() + ")");
      rc = 1;
    }
    for (String node : work.existingNodes()) {
      rc = mainstay.run(node, "status") == 0 ? rc : 1;
    }
    Optional<Coordinators.Main> main = new Coordinators(work, settings).main();
    if (main.isEmpty()) {
      say("no coordinator answers GET /ping with 200: there is no main right now");
      return 1;
    }
    Coordinators.Main found = main.get();
    say("main: " + found.node() + " (epoch " + found.ping().epoch() + "), GET " + found.url() + "/ping: " + found.ping().json());
    say("GET " + found.url() + "/api/v1/cluster:");
    HttpResult cluster = new NodeHttp(found.url()).cluster();
    out.println(cluster.answered() ? cluster.body() : "local-cluster: (no answer)");
    return rc;
  }

  // ---------------------------------------------------------------- kill-main

  private int killMain(boolean awaitTakeover) {
    if (!work.hasNodes()) {
      throw new LocalClusterException("no local cluster in " + work.root() + " (run: " + self + " up)");
    }
    Coordinators coordinators = new Coordinators(work, settings());
    Coordinators.Main main = coordinators.main().orElseThrow(() -> new LocalClusterException(
        "no coordinator answers GET /ping with 200: there is no main to kill"));
    ProcessHandle process = mainstay.process(main.node()).orElseThrow(() -> new LocalClusterException(
        main.node() + " answers /ping at " + main.url() + " as the main, but its pid file does not name a running "
            + NodeName.instance(main.node())));
    process.destroyForcibly();
    long killedAt = System.nanoTime();
    say("killed the main: " + main.node() + " (pid " + process.pid() + ", " + main.url() + ", epoch "
        + main.ping().epoch() + ") with SIGKILL at " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
    for (String other : work.coordinators()) {
      if (!other.equals(main.node())) {
        say("watch the takeover: curl -s " + coordinators.url(other) + "/ping   (" + other + ")");
      }
    }
    say("bring " + main.node() + " back (as a standby): " + self + " up   -- or by hand: "
        + mainstay.byHand(main.node(), "start"));
    if (!awaitTakeover) {
      return 0;
    }
    say("waiting up to " + TAKEOVER.toSeconds() + " s for another coordinator to answer /ping with 200");
    Coordinators.Main next = coordinators.awaitMain(main.node(), TAKEOVER).orElseThrow(() -> new LocalClusterException(
        "no other coordinator answers /ping with 200 after " + TAKEOVER.toSeconds() + " s"));
    say(String.format("new main: %s (epoch %d) after %.1f s", next.node(), next.ping().epoch(),
        (System.nanoTime() - killedAt) / 1e9));
    return 0;
  }

  // ---------------------------------------------------------------- down

  private int down(boolean purge) {
    if (!work.exists()) {
      say("no local cluster in " + work.root() + "; nothing to stop");
      return 0;
    }
    LocalClusterSettings settings = settings();
    boolean failed = false;
    for (String node : stopOrder(settings)) {
      failed |= mainstay.run(node, "stop") != 0;
    }
    try {
      new LocalZooKeeper(work, settings.zooKeeperPort()).stop(this::say);
    } catch (LocalClusterException e) {
      System.err.println("local-cluster: " + e.getMessage());
      failed = true;
    }
    if (failed) {
      throw new LocalClusterException("something could not be stopped; the work dir " + work.root() + " is left as it is");
    }
    if (!purge) {
      say("the work dir " + work.root() + " is left in place (logs in " + work.log() + "); remove it with: "
          + self + " down --purge");
    } else if (work.isMarked()) {
      work.purge();
      say("removed the work dir " + work.root());
    } else {
      throw new LocalClusterException(work.root() + " has no " + WorkDir.MARKER
          + "; not removing a directory this script did not make");
    }
    return 0;
  }

  /**
   * Executors, then standbys, then the main: stopping the main earlier would start a failover (and make
   * the executors chase it) that nobody wants while the whole cluster goes down.
   */
  private List<String> stopOrder(LocalClusterSettings settings) {
    String main = new Coordinators(work, settings).main().map(Coordinators.Main::node).orElse(null);
    List<String> order = new ArrayList<>(work.existingNodes().stream().filter(NodeName::isExecutor).toList());
    Collections.reverse(order);
    work.coordinators().stream().filter(node -> !node.equals(main)).forEach(order::add);
    if (main != null) {
      order.add(main);
    }
    return order;
  }

  // ---------------------------------------------------------------- settings

  /**
   * The settings from the environment and the work dir. While our ZooKeeper runs, its port is the one up
   * recorded, whatever MAINSTAY_LOCAL_ZK_PORT says now.
   */
  private LocalClusterSettings settings() {
    Map<String, String> recorded = work.recordedSettings();
    LocalClusterSettings settings = LocalClusterSettings.of(env, recorded);
    if (!recorded.containsKey(LocalClusterSettings.ZK_PORT)) {
      return settings;
    }
    int running = LocalClusterSettings.of(Map.of(), recorded).zooKeeperPort();
    if (running != settings.zooKeeperPort() && new LocalZooKeeper(work, running).process().isPresent()) {
      say("ZooKeeper of " + work.root() + " runs on port " + running + " (settings); ignoring "
          + LocalClusterSettings.ZK_PORT + "=" + settings.zooKeeperPort());
      return settings.withZooKeeperPort(running);
    }
    return settings;
  }

  private void say(String line) {
    out.println("local-cluster: " + line);
  }
}
