package io.mainstay.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What one run of {@code mainstay-bench query} measured; {@link QueryReport} turns it into text and JSON. */
final class QueryResults {

  /** One TPC-H query's timings on the cluster and alone in DuckDB; {@code mismatch} is null when every answer was DuckDB's. */
  record Timing(int query, long rows, Stats cluster, Phases phases, Stats duckdb, String mismatch) {
    double ratio() {
      return cluster.median() / duckdb.median();
    }
  }

  final QueryBenchmark.Options options;
  final int cores = Runtime.getRuntime().availableProcessors();
  /** The 1-minute load average when the run began; NaN where the system does not say. */
  final double loadBefore;
  final List<Timing> timings = new ArrayList<>();
  ShortQuery.Result shortQuery;

  QueryResults(QueryBenchmark.Options options, double loadBefore) {
    this.options = options;
    this.loadBefore = loadBefore;
  }

  double geometricMeanRatio() {
    return Math.exp(timings.stream().mapToDouble(t -> Math.log(t.ratio())).average().orElse(Double.NaN));
  }

  /** Each phase's medians summed over the queries. */
  Phases phases() {
    return timings.stream().map(Timing::phases).reduce(Phases.NONE, Phases::plus);
  }

  Timing worst() {
    return timings.stream().max(Comparator.comparingDouble(Timing::ratio)).orElseThrow();
  }

  /** Every answer that differed from DuckDB's, by query ("short" for the short query). */
  List<String> mismatches() {
    List<String> all = new ArrayList<>();
    timings.stream().filter(t -> t.mismatch() != null).forEach(t -> all.add("Q" + t.query() + " " + t.mismatch()));
    if (shortQuery != null && shortQuery.mismatch() != null) {
      all.add("short query " + shortQuery.mismatch());
    }
    return all;
  }
}
