package io.mainstay.bench;

import io.mainstay.testkit.Directories;
import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.process.Jvm;
import io.mainstay.testkit.process.ManagedProcesses;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code mainstay-bench failover}: how long a failover takes. See {@link BenchOptions#USAGE}.
 *
 * <p>Order of a run: ZooKeeper; the floor (two {@link BareLatchNode}s, which are stopped afterwards); the
 * cluster, a writer and a double-main watch for the rest of the run; R crash rounds, then R graceful rounds,
 * each followed by a restart of the old main as a standby; finally the acknowledged writes are read back
 * from the final main. Progress goes to stderr, the results to stdout (and JSON with --out). Every process
 * it started is stopped on exit, also on Ctrl-C or failure, and the work directory deleted unless --keep.
 *
 * <p>Exit codes: 0 the run completed (see the targets for the figures); 1 it could not complete; 3 an
 * acknowledged write was lost or two mains were seen; 64 bad command line.
 */
public final class FailoverBenchmark {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  /** After a restart, before the next fault: lets the restarted JVM's start-up work die down. */
  private static final Duration SETTLE = Duration.ofSeconds(2);
  /**
   * A fault waits until at most this share of the cores was busy over {@link #QUIET_WINDOW} (the writer and
   * the watch keep the machine a fifth to a third busy), for at most {@link #QUIET_DEADLINE}.
   */
  private static final double QUIET_BUSY = 0.5;
  private static final Duration QUIET_WINDOW = Duration.ofSeconds(1);
  private static final Duration QUIET_DEADLINE = Duration.ofSeconds(30);
  /** How often the busy floor's leader uses its session: about as often as the writer's acknowledged writes. */
  private static final long BUSY_LEADER_MS = 20;
  /** The writer's pause after each acknowledged write: a steady load, not as many writes as possible. */
  private static final Duration WRITER_PAUSE = Duration.ofMillis(10);
  /** Status polls may be slow on a loaded machine; the main answers a write within its ask timeout (10 s). */
  private static final NodeHttp.Timeouts HTTP =
      new NodeHttp.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(60));
  private static final String CLUSTER_ID = "bench";

  private final BenchOptions options;
  private final Path workDir;
  private final AcknowledgedWrites writes = new AcknowledgedWrites();
  private final Results results;
  private final PrintStream progress = System.err;
  private final AtomicBoolean cleanedUp = new AtomicBoolean();
  private final List<String> timelines = new ArrayList<>();
  private volatile CatalogWriter writer;
  private volatile MainWatch watch;

  private FailoverBenchmark(BenchOptions options, Path workDir) {
    this.options = options;
    this.workDir = workDir;
    this.results = new Results(options);
  }

  static void main(String[] args) throws IOException {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      System.err.println("mainstay-bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(64);
      return;
    }
    FailoverBenchmark bench = new FailoverBenchmark(options, Files.createTempDirectory("mainstay-bench-"));
    Runtime.getRuntime().addShutdownHook(new Thread(bench::cleanUp, "mainstay-bench-cleanup"));
    int code = bench.runAndReport();
    bench.cleanUp();
    System.exit(code);
  }

  private int runAndReport() {
    progress.println("mainstay-bench: work directory " + workDir + (options.keep() ? " (kept)" : " (deleted at the end; --keep keeps it)"));
    try {
      run();
    } catch (BenchmarkException | AssertionError | IOException | UncheckedIOException e) {
      results.failure = e.getMessage();
      progress.println("mainstay-bench: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      results.failure = "interrupted";
    } finally {
      stopBackground();
    }
    System.out.print(Report.text(results));
    if (!timelines.isEmpty()) {
      System.out.println();
      timelines.forEach(System.out::println);
    }
    if (options.out() != null) {
      try {
        Report.writeJson(results, options.out());
        progress.println("mainstay-bench: results written to " + options.out());
      } catch (IOException e) {
        progress.println("mainstay-bench: could not write " + options.out() + ": " + e);
        return 1;
      }
    }
    if (results.failure != null) {
      return 1;
    }
    boolean violated = !results.doubleMains.isEmpty() || (results.lostWrites != null && !results.lostWrites.isEmpty());
    return violated ? 3 : 0;
  }

  private void run() throws IOException, InterruptedException {
    Path logback = ChildLogback.write(workDir, "logback.xml", List.of());
    Path zkLogback = ChildLogback.write(workDir, "zookeeper-logback.xml", List.of("org.apache.zookeeper.server.ZooKeeperServer"));
    progress.println("mainstay-bench: starting ZooKeeper");
    LocalCluster cluster = LocalCluster.builder(workDir)
        .clusterId(CLUSTER_ID)
        .coordinators(2)
        .executors(options.executors())
        .sessionTimeoutMs((int) options.sessionTimeout().toMillis())
        .nodeJvmOptions(jvmOptions("-Xmx256m", logback))
        .zooKeeperJvmOptions(jvmOptions("-Xmx256m", zkLogback))
        .httpTimeouts(HTTP)
        .executorConf(executor -> executor.extraConf("services.executor.slots = 2"))
        .build();

    progress.println("mainstay-bench: measuring the floor (bare Curator LeaderLatch pair), idle and busy leader");
    List<String> latchJvm = jvmOptions("-Xmx64m", logback);
    results.floor.addAll(
        new LatchFloor(workDir.resolve("floor"), latchJvm, cluster.zookeeperConnect(), options.sessionTimeout(), 0)
            .measure(options.rounds(), START_TIMEOUT, SETTLE, this::note));
    results.floorBusy.addAll(
        new LatchFloor(workDir.resolve("floor"), latchJvm, cluster.zookeeperConnect(), options.sessionTimeout(), BUSY_LEADER_MS)
            .measure(options.rounds(), START_TIMEOUT, SETTLE, this::note));

    progress.println("mainstay-bench: starting 2 coordinators and " + options.executors() + " executors");
    sampleLoad();
    startNodes(cluster);
    watch = new MainWatch(cluster.coordinators());
    watch.start();
    MainWatch seen = watch;
    writer = new CatalogWriter(cluster::coordinators, writes)
        .pauseAfterAck(WRITER_PAUSE)
        .onAck(ack -> seen.observe(ack.node(), ack.epoch(), ack.sentAtNanos(), ack.answeredAtNanos()))
        .start(1);

    List<Timeline.Source> sources = new ArrayList<>();
    sources.add(new Timeline.Source("zk", cluster.zookeeper().logFile()));
    cluster.coordinators().forEach(c -> sources.add(new Timeline.Source(c.name(), c.logFile())));
    cluster.executors().forEach(e -> sources.add(new Timeline.Source(e.name(), e.logFile())));
    Duration roundTimeout = options.sessionTimeout().multipliedBy(5).plusSeconds(60);
    try (FailoverRound rounds = new FailoverRound(cluster, watch, writes, roundTimeout)) {
      for (FailoverRound.Mode mode : FailoverRound.Mode.values()) {
        int round = 1;
        while (round <= options.rounds()) {
          MainstayNodeProcess main = cluster.recover();
          Thread.sleep(SETTLE.toMillis());
          CpuBusy.Quiet quiet = CpuBusy.await(QUIET_BUSY, QUIET_WINDOW, QUIET_DEADLINE);
          main = cluster.recover(); // still steady after the pause?
          sampleLoad();
          FailoverRound.Result r;
          try {
            r = rounds.run(mode, round, main);
          } catch (BenchmarkException | AssertionError e) {
            discard(mode, round, e.getMessage());
            restartIfExited(cluster, main);
            continue;
          }
          String disturbed = disturbance(cluster, main);
          if (disturbed != null) {
            discard(mode, round, disturbed);
            restartIfExited(cluster, main);
            continue;
          }
          results.rounds(mode).add(r);
          if (!Double.isNaN(quiet.busy())) {
            results.cpuBusy.add(quiet.busy() * 100);
          }
          note(String.format(Locale.ROOT, "%s round %d/%d (cores %.0f%% busy before it): %s %s -> %s: (a) %.0f ms (b) %.0f ms (c) %.0f ms%s",
              mode.label(), round, options.rounds(), quiet.busy() * 100, mode.signal, r.from(), r.to(), r.newMainMs(), r.executorsMs(), r.firstWriteMs(),
              mode == FailoverRound.Mode.GRACEFUL && r.exitCode() != 0 ? " (old main exit code " + r.exitCode() + ")" : ""));
          appendBenchLog("timeline of " + mode.label() + " round " + round, Timeline.of(r, sources));
          cluster.launch(main);
          round++;
        }
        FailoverRound.Result median = Results.medianRound(results.rounds(mode));
        timelines.add("Timeline of " + mode.label() + " round " + median.round() + " (its (a) is nearest the median), ms from the fault:");
        timelines.addAll(Timeline.of(median, sources));
        timelines.add("");
      }
    } finally {
      results.unplannedExits = cluster.unplannedExits();
    }

    stopBackground();
    MainstayNodeProcess last = cluster.main();
    Map<String, Long> stored = AcknowledgedWrites.storedVersions(last);
    if (stored == null) {
      throw new BenchmarkException("the final main " + last.name() + " did not list the catalog");
    }
    results.lostWrites = writes.lostIn(stored);
  }

  /**
   * The first coordinator alone until it answers (so it normally becomes the main), then the other and
   * the executors; returns once the cluster is steady.
   */
  private static void startNodes(LocalCluster cluster) {
    MainstayNodeProcess first = cluster.coordinators().get(0);
    cluster.launch(first);
    first.process().awaitWhileRunning(first.name() + " to answer /ping", START_TIMEOUT, () -> first.ping().answered());
    cluster.allNodes().stream().filter(node -> node != first).forEach(cluster::launch);
    cluster.recover();
  }

  /** A round is counted only if no node but the faulted main exited meanwhile; null when none did. */
  private static String disturbance(LocalCluster cluster, MainstayNodeProcess faulted) {
    for (MainstayNodeProcess node : cluster.allNodes()) {
      if (node != faulted && !node.isAlive()) {
        return node.name() + " exited during the round (exit code " + node.process().exitCode() + ")";
      }
    }
    return null;
  }

  /** The faulted main of a discarded round is restarted here, so that it does not count as an unplanned exit. */
  private static void restartIfExited(LocalCluster cluster, MainstayNodeProcess faulted) {
    if (!faulted.isAlive()) {
      cluster.launch(faulted);
    }
  }

  private void discard(FailoverRound.Mode mode, int round, String why) {
    String line = mode.label() + " round " + round + " discarded, will be run again: " + why.lines().findFirst().orElse("");
    results.discardedRounds.add(line);
    note(line);
    appendBenchLog("why " + mode.label() + " round " + round + " was discarded", why.lines().toList());
    if (results.discardedRounds.size() > options.rounds()) {
      throw new BenchmarkException("gave up: " + results.discardedRounds.size() + " rounds discarded; last: " + why);
    }
  }

  private void sampleLoad() {
    double load = LoadAverage.oneMinute();
    if (!Double.isNaN(load)) {
      results.loadAverages.add(load);
    }
  }

  /** Stops the writer and the watch (once) and takes their counts. */
  private synchronized void stopBackground() {
    try {
      if (writer != null) {
        writer.stop();
        results.writesAttempted = writer.attempts();
        results.writesAcknowledged = writes.size();
        writer = null;
      }
      if (watch != null) {
        watch.stop();
        results.doubleMains = watch.incidents();
        results.overlappingAnswers = watch.overlappingAnswers();
        watch = null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void note(String line) {
    progress.println("mainstay-bench: " + line);
    appendBenchLog(line, List.of());
  }

  private void appendBenchLog(String title, List<String> lines) {
    StringBuilder text = new StringBuilder(LocalDateTime.now() + " " + title + "\n");
    lines.forEach(line -> text.append("  ").append(line).append('\n'));
    try {
      Files.writeString(workDir.resolve("bench.log"), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log is a convenience; the results do not depend on it
    }
  }

  /** A child's heap and logback file; the launcher adds {@link Jvm#ADD_OPENS}. Default collector and JIT, as in production. */
  private static List<String> jvmOptions(String heap, Path logback) {
    return List.of(heap, ChildLogback.option(logback));
  }

  /** Stops every process this run started and deletes the work directory unless --keep; runs once. */
  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) {
      return;
    }
    try {
      ManagedProcesses.killAll();
    } catch (IllegalStateException e) {
      progress.println("mainstay-bench: " + e.getMessage());
    }
    if (options.keep()) {
      progress.println("mainstay-bench: kept " + workDir);
      return;
    }
    try {
      Directories.delete(workDir);
    } catch (UncheckedIOException e) {
      progress.println("mainstay-bench: could not delete " + workDir + ": " + e);
    }
  }
}
