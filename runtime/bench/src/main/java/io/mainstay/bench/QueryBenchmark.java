package io.mainstay.bench;

import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.tpch.TpchFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * {@code mainstay-bench query}: the 22 TPC-H queries on a local cluster (one main that only coordinates, N
 * executors) through the REST API, from the submission to the last byte of the Arrow result, against DuckDB
 * alone running the same SQL over the same files in this JVM (the baseline), every answer checked against
 * DuckDB's; then a short query's latency ({@link ShortQuery}).
 */
final class QueryBenchmark {

  static final String USAGE = String.join("\n",
      "Usage: mainstay-bench query [--scale S] [--rounds R] [--executors N] [--short N] [--queries LIST]",
      "                            [--set KEY=VALUE]... [--out FILE] [--keep]",
      "",
      "Writes the TPC-H tables at scale S (reference generator, Parquet, 2 files per executor a table; no",
      "download), starts ZooKeeper, a main and N executors on loopback, registers the tables as datasets and",
      "runs each of the 22 queries once to warm up and R times timed through POST /api/v1/sql, from the",
      "submission to the last byte of the whole result read as Arrow (GET /api/v1/jobs/{id}/results/arrow,",
      "the fast path; the JSON pages are for humans); then the same in DuckDB alone over the same files.",
      "Every answer is compared with DuckDB's, row by row where the query's ORDER BY fixes the order, else as",
      "multisets (floating-point numbers within 1e-9 relative, DECIMAL, dates and strings exactly); a",
      "difference fails the run (exit 3), naming the query and the first differing row. Prints min/median/max",
      "of both, the ratio of the medians, their geometric mean and the worst; then the p50/p99 of a short",
      "query on a 1000-row dataset, against DuckDB alone's p50; and the targets met or missed.",
      "",
      "  --scale S        TPC-H scale factor, 0.001 to 10 (default 1: about 30 s to generate on 2 cores)",
      "  --rounds R       timed runs of each query, after one warm-up (default 3)",
      "  --executors N    executor-only nodes (default 2)",
      "  --short N        timed runs of the short query, after " + ShortQuery.WARM_UPS + " warm-ups (default 100)",
      "  --queries LIST   the TPC-H queries to run, by number, e.g. 3,18,21 (default all 22)",
      "  --set KEY=VALUE  a configuration key of every node (repeatable), e.g. --set sql.partitioned-joins=false",
      "  --out FILE       also write the results as JSON to FILE",
      "  --keep           keep the work directory (the nodes' logs among it)",
      "  -h, --help       this text");

  private static final NodeHttp.Timeouts HTTP =
      new NodeHttp.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
  private static final String HEAP = "-Xmx1g";
  private static final Duration QUERY_DEADLINE = Duration.ofMinutes(10);

  /** @param settings configuration keys of every node, as HOCON {@code key: value} lines */
  record Options(double scale, int rounds, int executors, int shortRuns, List<Integer> queries,
      List<String> settings, Path out, boolean keep) {}

  private QueryBenchmark() {}

  static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (BenchOptions.UsageException e) {
      BenchRun.usage(e, USAGE);
      return;
    }
    BenchRun.exit("query", options.keep(), workDir -> run(options, workDir));
  }

  private static int run(Options options, Path workDir) throws Exception {
    QueryResults results = new QueryResults(options, LoadAverage.oneMinute());
    Path root = Files.createDirectories(workDir.resolve("datasets")).toRealPath();
    progress("writing TPC-H at scale %s under %s", options.scale(), root);
    long started = System.nanoTime();
    Map<String, TpchFiles.Table> tables = TpchFiles.write(options.scale(), 2 * options.executors(), root,
        table -> progress("  %s written (%d files, %.0f s so far)", table.name(), table.files().size(),
            (System.nanoTime() - started) / 1e9));
    // the shipped log levels: at logback's default (DEBUG) the nodes spent their time logging
    Path logback = ChildLogback.write(workDir, "logback.xml", List.of());
    LocalCluster cluster = LocalCluster.builder(workDir.resolve("cluster"))
        .clusterId("bench-query")
        .coordinators(1)
        .executors(options.executors())
        .nodeJvmOptions(List.of(HEAP, ChildLogback.option(logback)))
        .zooKeeperJvmOptions(List.of("-Xmx256m", ChildLogback.option(logback)))
        .httpTimeouts(HTTP)
        .nodeConf(node -> {
          node.extraConf("paths.datasets: [\"" + root + "\"]");
          options.settings().forEach(node::extraConf);
          return node;
        })
        .start();
    try (ClusterSql sql = new ClusterSql(cluster.main().http().baseUrl(), QUERY_DEADLINE);
        DuckDbAlone duckdb = new DuckDbAlone()) {
      for (TpchFiles.Table table : tables.values()) {
        String glob = root + "/" + table.name() + "_*.parquet";
        sql.registerParquet(table.name(), glob);
        duckdb.view(table.name(), glob);
      }
      for (int q : options.queries()) {
        QueryResults.Timing t = timed(q, TpchFiles.query(q), options.rounds(), sql, duckdb);
        progress("Q%d %d rows, cluster median %.0f ms, DuckDB %.0f ms%s", q, t.rows(), t.cluster().median(),
            t.duckdb().median(), t.mismatch() == null ? "" : "; DIFFERS: " + t.mismatch());
        results.timings.add(t);
      }
      progress("short query: %d runs after %d warm-ups", options.shortRuns(), ShortQuery.WARM_UPS);
      results.shortQuery = ShortQuery.run(root, sql, duckdb, options.shortRuns());
    }
    System.out.print(QueryReport.text(results));
    if (options.out() != null) {
      QueryReport.writeJson(results, options.out());
      progress("results written to %s", options.out());
    }
    return results.mismatches().isEmpty() ? 0 : 3;
  }

  /**
   * One warm-up and {@code rounds} timed runs of {@code query} on both sides, alternating; every answer of the
   * cluster is compared with DuckDB's first.
   */
  private static QueryResults.Timing timed(int query, String text, int rounds, ClusterSql sql, DuckDbAlone duckdb)
      throws Exception {
    boolean ordered = AnswerCheck.ordered(text);
    Answer expected = null;
    String mismatch = null;
    List<ClusterSql.Run> runs = new ArrayList<>();
    List<Double> duckdbMs = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      ClusterSql.Run run = sql.run(text);
      long started = System.nanoTime();
      Answer alone = duckdb.run(text);
      double baseline = (System.nanoTime() - started) / 1e6;
      if (expected == null) {
        expected = alone;
      }
      Optional<String> difference = AnswerCheck.difference(expected, run.answer(), ordered);
      if (mismatch == null && difference.isPresent()) {
        mismatch = (r == 0 ? "warm-up" : "run " + r) + ": " + difference.get();
      }
      if (r > 0) {
        runs.add(run);
        duckdbMs.add(baseline);
      }
    }
    return new QueryResults.Timing(query, expected.rows().size(), Stats.of(runs.stream().map(ClusterSql.Run::totalMs).toList()),
        Phases.medians(runs), Stats.of(duckdbMs), mismatch);
  }

  private static void progress(String format, Object... args) {
    System.err.println("mainstay-bench: " + String.format(Locale.ROOT, format, args));
  }

  private static Options parse(String[] args) throws BenchOptions.UsageException {
    double scale = 1;
    int rounds = 3;
    int executors = 2;
    int shortRuns = 100;
    List<Integer> queries = new ArrayList<>();
    List<String> settings = new ArrayList<>();
    Path out = null;
    boolean keep = false;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--scale" -> scale = scale(BenchOptions.value(args, ++i, arg));
        case "--rounds" -> rounds = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1, 100);
        case "--executors" -> executors = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1, 16);
        case "--short" -> shortRuns = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1, 100_000);
        case "--out" -> out = Path.of(BenchOptions.value(args, ++i, arg));
        case "--queries" -> queries.addAll(queries(BenchOptions.value(args, ++i, arg)));
        case "--set" -> settings.add(setting(BenchOptions.value(args, ++i, arg)));
        case "--keep" -> keep = true;
        default -> throw new BenchOptions.UsageException("unknown argument: " + arg);
      }
    }
    if (queries.isEmpty()) {
      IntStream.rangeClosed(1, 22).forEach(queries::add);
    }
    return new Options(scale, rounds, executors, shortRuns, List.copyOf(queries), List.copyOf(settings), out, keep);
  }

  private static List<Integer> queries(String text) throws BenchOptions.UsageException {
    List<Integer> queries = new ArrayList<>();
    for (String q : text.split(",")) {
      queries.add(BenchOptions.number("--queries", q.trim(), 1, 22));
    }
    return queries;
  }

  private static String setting(String text) throws BenchOptions.UsageException {
    int equals = text.indexOf('=');
    if (equals <= 0) {
      throw new BenchOptions.UsageException("--set takes KEY=VALUE, got '" + text + "'");
    }
    return text.substring(0, equals).trim() + ": " + text.substring(equals + 1).trim();
  }

  private static double scale(String text) throws BenchOptions.UsageException {
    try {
      double s = Double.parseDouble(text);
      if (s < 0.001 || s > 10) {
        throw new BenchOptions.UsageException("--scale must be from 0.001 to 10, got " + text);
      }
      return s;
    } catch (NumberFormatException e) {
      throw new BenchOptions.UsageException("--scale must be a number, got '" + text + "'");
    }
  }
}
