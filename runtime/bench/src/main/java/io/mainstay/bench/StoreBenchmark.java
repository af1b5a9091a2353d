package io.mainstay.bench;

import io.mainstay.runtime.zookeeper.CuratorClients;
import io.mainstay.runtime.zookeeper.CuratorSettings;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;

/**
 * {@code mainstay-bench store}: durable catalog writes through a real main (HTTP, the catalog's group
 * commit, LMDB fsync, the ZooKeeper confirmation of the term), from one client and from C clients at once,
 * against the two floors measured in the same run: a raw LMDB commit loop (the same store code, one
 * write per commit, on the same file system) and a raw ZooKeeper write loop (the node's own Curator client
 * factory, against the same server). Every acknowledged write is read back from the main: lost ones are
 * counted.
 *
 * <p>Exit codes: 0 the run completed; 1 it could not complete; 3 an acknowledged write was lost; 64 bad
 * command line.
 */
final class StoreBenchmark {

  static final String USAGE = String.join("\n",
      "Usage: mainstay-bench store [--writes N] [--clients C] [--session-ms MS] [--keep]",
      "",
      "Starts ZooKeeper and one main on loopback, then measures durable catalog writes (PUT, acknowledged",
      "once in LMDB and confirmed in ZooKeeper): N sequential from one client, then N from C clients at",
      "once; and in the same run the floors: N raw LMDB commits and N raw ZooKeeper writes, one at a time.",
      "",
      "  --writes N       writes per phase, after 5000 to warm the JIT up (default 10000)",
      "  --clients C      concurrent clients of the second phase (default 8)",
      "  --session-ms MS  zk.client.session.timeout of the node (default 4000)",
      "  --keep           keep the work directory",
      "  -h, --help       this text");

  private static final String DOCUMENT = "{\"owner\":\"bench\",\"rows\":12345,\"columns\":[\"a\",\"b\",\"c\"]}";
  private static final byte[] DOCUMENT_BYTES = DOCUMENT.getBytes(StandardCharsets.UTF_8);
  private static final NodeHttp.Timeouts HTTP =
      new NodeHttp.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
  private static final int WARM_UP = 5000;
  /** The JVM's default collector and both JIT tiers, as bin/mainstay runs a node; not the kit's quick start. */
  private static final List<String> PRODUCTION_JVM = List.of("-Xmx512m");

  private record Options(int writes, int clients, Duration session, boolean keep) {}

  /** One phase: latencies in ms and how long the whole phase took. */
  private record Phase(String name, Stats latency, long writes, Duration elapsed) {
    double perSecond() {
      return writes * 1000.0 / Math.max(1, elapsed.toMillis());
    }
  }

  private final Options options;
  private final Path workDir;
  /** name -> version the main acknowledged, to be read back at the end. */
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

  private StoreBenchmark(Options options, Path workDir) {
    this.options = options;
    this.workDir = workDir;
  }

  static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (BenchOptions.UsageException e) {
      BenchRun.usage(e, USAGE);
      return;
    }
    BenchRun.exit("store", options.keep(), workDir -> new StoreBenchmark(options, workDir).run());
  }

  private int run() throws Exception {
    System.err.println("mainstay-bench: work directory " + workDir);
    LocalCluster cluster = LocalCluster.builder(workDir.resolve("cluster"))
        .clusterId("bench-store")
        .coordinators(1)
        .executors(0)
        .sessionTimeoutMs((int) options.session().toMillis())
        .nodeJvmOptions(PRODUCTION_JVM)
        .httpTimeouts(HTTP)
        .start();
    MainstayNodeProcess main = cluster.main();
    NodeHttp http = main.http();
    System.err.printf("mainstay-bench: main %s up; %d warm-up writes%n", main.name(), WARM_UP);
    writes(http, "warm", WARM_UP, 1);

    List<Phase> phases = new ArrayList<>();
    phases.add(writes(http, "sequential", options.writes(), 1));
    phases.add(writes(http, options.clients() + " clients", options.writes(), options.clients()));
    phases.add(rawLmdb(options.writes()));
    phases.add(rawZooKeeper(cluster.zookeeperConnect(), options.writes()));
    long lost = lostWrites(http);
    System.out.print(report(phases, lost));
    return lost == 0 ? 0 : 3;
  }

  /** {@code count} PUTs of distinct names split over {@code clients} threads, each waiting for its answer. */
  private Phase writes(NodeHttp http, String phase, int count, int clients) throws Exception {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long started = System.nanoTime();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        running.add(pool.submit(() -> {
          for (int i = client; i < count; i += clients) {
            String name = phase.replace(' ', '-') + "." + i;
            long t0 = System.nanoTime();
            HttpResult result = http.put(name, DOCUMENT);
            latencies.add((System.nanoTime() - t0) / 1e6);
            if (result.status() / 100 != 2) {
              throw new BenchmarkException(phase + ": write " + name + " answered " + result.status() + " " + result.body());
            }
            acknowledged.put(name, result.json().path("version").asLong());
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Phase(phase + " writes", Stats.of(latencies), count, Duration.ofNanos(System.nanoTime() - started));
  }

  /** The store's own code, one put per commit: what a durable write costs in LMDB alone, here. */
  private Phase rawLmdb(int count) throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("raw-lmdb"));
    List<Double> latencies = new ArrayList<>();
    long started;
    try (StoreLock lock = StoreLock.tryAcquire(dir, "bench").orElseThrow();
        MetadataStore store = MetadataStore.open(lock)) {
      store.beginEpoch(1, "bench", Instant.now());
      started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long t0 = System.nanoTime();
        store.tables().put("bench", "raw", "raw." + i, DOCUMENT_BYTES, 1);
        latencies.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return new Phase("raw LMDB commits", Stats.of(latencies), count, Duration.ofNanos(System.nanoTime() - started));
  }

  /** setData on one znode with the node's Curator factory: what one ZooKeeper write costs, here. */
  private Phase rawZooKeeper(String connect, int count) throws Exception {
    List<Double> latencies = new ArrayList<>();
    long started;
    try (CuratorFramework client = CuratorClients.create(connect, options.session(), CuratorSettings.defaults())) {
      client.start();
      client.blockUntilConnected();
      String path = "/bench-store/raw";
      client.create().creatingParentsIfNeeded().forPath(path, DOCUMENT_BYTES);
      started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long t0 = System.nanoTime();
        client.setData().forPath(path, DOCUMENT_BYTES);
        latencies.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return new Phase("raw ZooKeeper writes", Stats.of(latencies), count, Duration.ofNanos(System.nanoTime() - started));
  }

  private long lostWrites(NodeHttp http) {
    long lost = 0;
    for (Map.Entry<String, Long> write : acknowledged.entrySet()) {
      HttpResult read = http.get(write.getKey());
      if (read.status() != 200 || read.json().path("version").asLong() != write.getValue()) {
        System.err.println("mainstay-bench: LOST " + write.getKey() + " v" + write.getValue() + ": " + read.status() + " " + read.body());
        lost++;
      }
    }
    return lost;
  }

  private String report(List<Phase> phases, long lost) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "mainstay-bench store: %d writes per phase, %d clients, session %d ms%n%n",
        options.writes(), options.clients(), options.session().toMillis()));
    out.append(String.format(Locale.ROOT, "%-24s %8s %8s %8s %8s %10s%n", "phase (ms per write)", "min", "median", "p99", "max", "per second"));
    for (Phase phase : phases) {
      Stats s = phase.latency();
      out.append(String.format(Locale.ROOT, "%-24s %8.2f %8.2f %8.2f %8.2f %10.0f%n",
          phase.name(), s.min(), s.median(), s.percentile(0.99), s.max(), phase.perSecond()));
    }
    Phase sequential = phases.get(0);
    Phase concurrent = phases.get(1);
    double floor = phases.get(2).latency().median() + phases.get(3).latency().median();
    out.append(String.format(Locale.ROOT, "%nsequential median / (LMDB median + ZooKeeper median) = %.2f%n",
        sequential.latency().median() / floor));
    out.append(String.format(Locale.ROOT, "%s per second / sequential per second = %.2f (the group commit's gain)%n",
        concurrent.name(), concurrent.perSecond() / sequential.perSecond()));
    out.append(String.format(Locale.ROOT, "acknowledged writes %d, lost %d%n", acknowledged.size(), lost));
    return out.toString();
  }

  private static Options parse(String[] args) throws BenchOptions.UsageException {
    int writes = 10000;
    int clients = 8;
    int sessionMs = 4000;
    boolean keep = false;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--writes" -> writes = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 10, 1_000_000);
        case "--clients" -> clients = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1, 256);
        case "--session-ms" -> sessionMs = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1000, 600_000);
        case "--keep" -> keep = true;
        default -> throw new BenchOptions.UsageException("unknown argument: " + arg);
      }
    }
    return new Options(writes, clients, Duration.ofMillis(sessionMs), keep);
  }
}
