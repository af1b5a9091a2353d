package io.mainstay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The query benchmark's printed summary, the targets of the issue, and the same as JSON. */
final class QueryReport {

  static final double GEOMEAN_LIMIT = 2.0;
  static final double WORST_LIMIT = 4.0;
  static final double SHORT_P50_LIMIT_MS = 30;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private QueryReport() {}

  static String text(QueryResults results) {
    QueryBenchmark.Options o = results.options;
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "TPC-H scale %s, %d executors, %d rounds after one warm-up; milliseconds from"
        + " submission to the last byte of the Arrow result, against DuckDB alone in one process on the same files%n",
        o.scale(), o.executors(), o.rounds()));
    if (!o.settings().isEmpty()) {
      out.append("settings: ").append(String.join(", ", o.settings())).append(String.format("%n"));
    }
    out.append(String.format(Locale.ROOT, "%-5s %9s %26s %26s %8s  %s%n", "query", "rows", "cluster min/median/max",
        "duckdb min/median/max", "ratio", "answer"));
    double clusterTotal = 0;
    double duckdbTotal = 0;
    for (QueryResults.Timing t : results.timings) {
      out.append(String.format(Locale.ROOT, "Q%-4d %9d %26s %26s %8.2f  %s%n", t.query(), t.rows(), triple(t.cluster()),
          triple(t.duckdb()), t.ratio(), t.mismatch() == null ? "equal" : "DIFFERS: " + t.mismatch()));
      clusterTotal += t.cluster().median();
      duckdbTotal += t.duckdb().median();
    }
    if (!results.timings.isEmpty()) {
      QueryResults.Timing worst = results.worst();
      out.append(String.format(Locale.ROOT, "geometric mean of the ratios: %.2f; worst: Q%d at %.2f%n",
          results.geometricMeanRatio(), worst.query(), worst.ratio()));
      out.append(String.format(Locale.ROOT, "sum of medians: cluster %.0f ms, DuckDB %.0f ms, ratio %.2f%n", clusterTotal,
          duckdbTotal, clusterTotal / duckdbTotal));
      out.append(phases("cluster time by phase, each phase's medians summed over the queries:", results.phases()));
    }
    ShortQuery.Result s = results.shortQuery;
    if (s != null) {
      out.append(String.format(Locale.ROOT, "short query on a %d-row dataset, %d runs after %d warm-ups: %s%n",
          ShortQuery.ROWS, s.cluster().count(), ShortQuery.WARM_UPS, ShortQuery.SQL));
      out.append(String.format(Locale.ROOT, "  cluster  p50 %.1f ms, p99 %.1f ms (min %.1f, max %.1f); %s%n",
          s.cluster().percentile(0.5), s.cluster().percentile(0.99), s.cluster().min(), s.cluster().max(),
          s.mismatch() == null ? "every answer equal" : "DIFFERS: " + s.mismatch()));
      out.append(String.format(Locale.ROOT, "  DuckDB   p50 %.2f ms, p99 %.2f ms; ratio of p50s %.1f%n",
          s.duckdb().percentile(0.5), s.duckdb().percentile(0.99), s.p50Ratio()));
      out.append(phases("  cluster time by phase (medians):", s.phases()));
    }
    out.append(String.format(Locale.ROOT, "machine: %d cores, 1-minute load average before the run %s%n", results.cores,
        Double.isNaN(results.loadBefore) ? "unknown" : String.format(Locale.ROOT, "%.2f", results.loadBefore)));
    out.append("\nTargets:\n");
    targets(results).forEach(t -> out.append(String.format("  %-8s %s%n", t.met() ? "[met]" : "[MISSED]", t.detail())));
    return out.toString();
  }

  static List<Report.Target> targets(QueryResults results) {
    List<Report.Target> targets = new ArrayList<>();
    List<String> mismatches = results.mismatches();
    targets.add(new Report.Target("everyAnswerEqual", mismatches.isEmpty(), String.format(Locale.ROOT,
        "every answer equal to DuckDB's: %d of %d queries differ%s", mismatches.size(),
        results.timings.size() + (results.shortQuery == null ? 0 : 1),
        mismatches.isEmpty() ? "" : " (" + String.join("; ", mismatches) + ")")));
    if (!results.timings.isEmpty()) {
      double geomean = results.geometricMeanRatio();
      targets.add(new Report.Target("geometricMeanRatio", geomean <= GEOMEAN_LIMIT, String.format(Locale.ROOT,
          "geometric mean of cluster / DuckDB medians %.2f <= %.1f", geomean, GEOMEAN_LIMIT)));
      QueryResults.Timing worst = results.worst();
      targets.add(new Report.Target("noQueryOver4x", worst.ratio() <= WORST_LIMIT, String.format(Locale.ROOT,
          "worst query Q%d at %.2f <= %.1f", worst.query(), worst.ratio(), WORST_LIMIT)));
    }
    if (results.shortQuery != null) {
      double p50 = results.shortQuery.cluster().percentile(0.5);
      targets.add(new Report.Target("shortQueryP50", p50 < SHORT_P50_LIMIT_MS, String.format(Locale.ROOT,
          "short query p50 %.1f ms < %.0f ms", p50, SHORT_P50_LIMIT_MS)));
    }
    return targets;
  }

  static void writeJson(QueryResults results, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), json(results));
  }

  static ObjectNode json(QueryResults results) {
    QueryBenchmark.Options o = results.options;
    ObjectNode root = JSON.createObjectNode();
    root.put("benchmark", "query");
    ObjectNode options = root.putObject("options");
    options.put("scale", o.scale());
    options.put("rounds", o.rounds());
    options.put("executors", o.executors());
    options.put("shortRuns", o.shortRuns());
    o.settings().forEach(options.putArray("settings")::add);
    options.put("shortWarmUps", ShortQuery.WARM_UPS);
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", results.cores);
    if (Double.isNaN(results.loadBefore)) {
      machine.putNull("loadAverage1mBefore");
    } else {
      machine.put("loadAverage1mBefore", results.loadBefore);
    }
    machine.put("java", System.getProperty("java.version"));
    ArrayNode queries = root.putArray("queries");
    for (QueryResults.Timing t : results.timings) {
      ObjectNode q = queries.addObject();
      q.put("query", t.query());
      q.put("rows", t.rows());
      q.put("answerEqual", t.mismatch() == null);
      if (t.mismatch() != null) {
        q.put("mismatch", t.mismatch());
      }
      q.set("cluster", Report.stats(t.cluster()));
      q.set("clusterPhasesMedianMs", phases(t.phases()));
      q.set("duckdb", Report.stats(t.duckdb()));
      q.put("ratio", Report.round(t.ratio()));
    }
    if (!results.timings.isEmpty()) {
      root.put("geometricMeanRatio", Report.round(results.geometricMeanRatio()));
      QueryResults.Timing worst = results.worst();
      root.putObject("worst").put("query", worst.query()).put("ratio", Report.round(worst.ratio()));
      double cluster = results.timings.stream().mapToDouble(t -> t.cluster().median()).sum();
      double duckdb = results.timings.stream().mapToDouble(t -> t.duckdb().median()).sum();
      root.putObject("sumOfMedians").put("clusterMs", Report.round(cluster)).put("duckdbMs", Report.round(duckdb))
          .put("ratio", Report.round(cluster / duckdb));
      root.set("clusterPhasesSumOfMediansMs", phases(results.phases()));
    }
    ShortQuery.Result s = results.shortQuery;
    if (s != null) {
      ObjectNode shortQuery = root.putObject("shortQuery");
      shortQuery.put("sql", ShortQuery.SQL);
      shortQuery.put("datasetRows", ShortQuery.ROWS);
      shortQuery.put("rows", s.rows());
      shortQuery.put("answerEqual", s.mismatch() == null);
      if (s.mismatch() != null) {
        shortQuery.put("mismatch", s.mismatch());
      }
      shortQuery.set("cluster", percentiles(s.cluster()));
      shortQuery.set("clusterPhasesMedianMs", phases(s.phases()));
      shortQuery.set("duckdb", percentiles(s.duckdb()));
      shortQuery.put("p50Ratio", Report.round(s.p50Ratio()));
    }
    ArrayNode targets = root.putArray("targets");
    for (Report.Target t : targets(results)) {
      targets.addObject().put("name", t.name()).put("met", t.met()).put("detail", t.detail());
    }
    return root;
  }

  private static ObjectNode percentiles(Stats stats) {
    ObjectNode node = Report.stats(stats);
    node.put("p50", Report.round(stats.percentile(0.5)));
    node.put("p99", Report.round(stats.percentile(0.99)));
    return node;
  }

  private static String phases(String label, Phases p) {
    return String.format(Locale.ROOT, "%s planning the job %.0f ms, running it (dispatch, fragments, Flight,"
        + " final stage) %.0f ms, reading the Arrow result %.0f ms, the rest (HTTP, and recording the job before"
        + " its id is answered, which the query does not wait for) %.0f ms%n", label, p.planMs(), p.runMs(), p.fetchMs(), p.restMs());
  }

  private static ObjectNode phases(Phases p) {
    ObjectNode node = JSON.createObjectNode();
    node.put("planMs", Report.round(p.planMs()));
    node.put("runMs", Report.round(p.runMs()));
    node.put("fetchMs", Report.round(p.fetchMs()));
    node.put("restMs", Report.round(p.restMs()));
    return node;
  }

  private static String triple(Stats s) {
    return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", s.min(), s.median(), s.max());
  }
}
