package io.mainstay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.tpch.TpchFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mainstay-bench query}: the 22 TPC-H queries on a local cluster (one main that only coordinates, N
 * executors) through the REST API, from the submission to the last page of rows, against DuckDB alone
 * running the same SQL over the same files in this JVM (the baseline), in the same command.
 */
final class QueryBenchmark {

  static final String USAGE = String.join("\n",
      "Usage: mainstay-bench query [--scale S] [--rounds R] [--executors N] [--keep]",
      "",
      "Writes the TPC-H tables at scale S (reference generator, Parquet, 2 files per executor a table),",
      "starts ZooKeeper, a main and N executors on loopback, registers the tables as datasets and runs each",
      "of the 22 queries R times through POST /api/v1/sql, timing submission to the last results page; then",
      "the same queries R times in DuckDB alone over the same files. Prints min/median/max of both and the",
      "ratio of the medians; a query whose row count differs from DuckDB's fails the run (exit 3).",
      "",
      "  --scale S        TPC-H scale factor, 0.001 to 10 (default 0.1)",
      "  --rounds R       timed runs of each query, after one warm-up (default 3)",
      "  --executors N    executor-only nodes (default 2)",
      "  --keep           keep the work directory",
      "  -h, --help       this text");

  private static final NodeHttp.Timeouts HTTP =
      new NodeHttp.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
  private static final List<String> PRODUCTION_JVM = List.of("-Xmx1g");
  private static final Duration QUERY_DEADLINE = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Options(double scale, int rounds, int executors, boolean keep) {}

  /** One query's timings on the cluster and alone in DuckDB, and its row count. */
  private record Timing(int query, Stats cluster, Stats duckdb, long rows) {}

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
    Path root = Files.createDirectories(workDir.resolve("datasets")).toRealPath();
    System.err.printf("mainstay-bench: writing TPC-H at scale %s under %s%n", options.scale(), root);
    Map<String, TpchFiles.Table> tables = TpchFiles.write(options.scale(), 2 * options.executors(), root);
    LocalCluster cluster = LocalCluster.builder(workDir.resolve("cluster"))
        .clusterId("bench-query")
        .coordinators(1)
        .executors(options.executors())
        .nodeJvmOptions(PRODUCTION_JVM)
        .httpTimeouts(HTTP)
        .nodeConf(node -> node.extraConf("paths.datasets: [\"" + root + "\"]"))
        .start();
    NodeHttp http = cluster.main().http();
    for (TpchFiles.Table table : tables.values()) {
      HttpResult put = http.request("PUT", "/api/v1/datasets/" + table.name(),
          "{\"format\": \"parquet\", \"location\": \"" + root + "/" + table.name() + "_*.parquet\"}");
      if (put.status() != 200) {
        throw new BenchmarkException("registering " + table.name() + ": " + put.body());
      }
    }
    List<Timing> timings = new ArrayList<>();
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duckdb.createStatement()) {
      for (TpchFiles.Table table : tables.values()) {
        s.execute("CREATE VIEW " + table.name() + " AS SELECT * FROM read_parquet('" + root + "/" + table.name() + "_*.parquet')");
      }
      for (int q = 1; q <= 22; q++) {
        String sql = TpchFiles.query(q);
        long rows = onCluster(http, sql);
        long expected = alone(s, sql);
        if (rows != expected) {
          System.err.printf("mainstay-bench: Q%d answered %d rows, DuckDB %d%n", q, rows, expected);
          return 3;
        }
        List<Double> clusterMs = new ArrayList<>();
        List<Double> duckdbMs = new ArrayList<>();
        for (int r = 0; r < options.rounds(); r++) {
          clusterMs.add(timed(() -> onCluster(http, sql)));
          duckdbMs.add(timed(() -> alone(s, sql)));
        }
        Timing t = new Timing(q, Stats.of(clusterMs), Stats.of(duckdbMs), rows);
        System.err.printf("mainstay-bench: Q%d %d rows, cluster median %.0f ms, DuckDB %.0f ms%n", q, rows,
            t.cluster().median(), t.duckdb().median());
        timings.add(t);
      }
    }
    System.out.print(report(options, timings));
    return 0;
  }

  /** Submits {@code sql}, waits for its job and reads every page of its rows; answers how many. */
  private static long onCluster(NodeHttp http, String sql) throws Exception {
    HttpResult submitted = http.request("POST", "/api/v1/sql", JSON.writeValueAsString(Map.of("sql", sql)));
    if (submitted.status() != 200) {
      throw new BenchmarkException("POST /api/v1/sql: " + submitted.body());
    }
    String id = submitted.json().get("id").asText();
    long deadline = System.nanoTime() + QUERY_DEADLINE.toNanos();
    while (true) {
      JsonNode job = http.request("GET", "/api/v1/jobs/" + id, null).json();
      String state = job.path("state").asText();
      if (state.equals("COMPLETED")) {
        break;
      }
      if (state.equals("FAILED") || state.equals("CANCELED") || System.nanoTime() > deadline) {
        throw new BenchmarkException("job " + id + " " + state + ": " + job.path("errorMessage").asText());
      }
      Thread.sleep(2);
    }
    long rows = 0;
    while (true) {
      JsonNode page = http.request("GET", "/api/v1/jobs/" + id + "/results?offset=" + rows + "&limit=500", null).json();
      int n = page.path("rows").size();
      rows += n;
      if (n < 500) {
        return rows;
      }
    }
  }

  private static long alone(Statement s, String sql) throws Exception {
    long rows = 0;
    try (ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          rs.getObject(i);
        }
        rows++;
      }
    }
    return rows;
  }

  private interface Run {
    long run() throws Exception;
  }

  private static double timed(Run run) throws Exception {
    long started = System.nanoTime();
    run.run();
    return (System.nanoTime() - started) / 1e6;
  }

  static String report(Options options, List<Timing> timings) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("TPC-H scale %s, %d executors, %d rounds (after one warm-up); milliseconds,"
        + " submission to last page vs DuckDB alone in one process%n", options.scale(), options.executors(), options.rounds()));
    out.append(String.format("%-5s %8s %30s %30s %8s%n", "query", "rows", "cluster min/median/max", "duckdb min/median/max", "ratio"));
    double clusterTotal = 0;
    double duckdbTotal = 0;
    for (Timing t : timings) {
      out.append(String.format("Q%-4d %8d %30s %30s %8.2f%n", t.query(), t.rows(), triple(t.cluster()), triple(t.duckdb()),
          t.cluster().median() / t.duckdb().median()));
      clusterTotal += t.cluster().median();
      duckdbTotal += t.duckdb().median();
    }
    out.append(String.format("sum of medians: cluster %.0f ms, DuckDB %.0f ms, ratio %.2f%n", clusterTotal, duckdbTotal,
        clusterTotal / duckdbTotal));
    return out.toString();
  }

  private static String triple(Stats s) {
    return String.format("%.0f / %.0f / %.0f", s.min(), s.median(), s.max());
  }

  private static Options parse(String[] args) throws BenchOptions.UsageException {
    double scale = 0.1;
    int rounds = 3;
    int executors = 2;
    boolean keep = false;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--scale" -> scale = scale(BenchOptions.value(args, ++i, arg));
        case "--rounds" -> rounds = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1, 100);
        case "--executors" -> executors = BenchOptions.number(arg, BenchOptions.value(args, ++i, arg), 1, 16);
        case "--keep" -> keep = true;
        default -> throw new BenchOptions.UsageException("unknown argument: " + arg);
      }
    }
    return new Options(scale, rounds, executors, keep);
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
