package io.mainstay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The latency of a short query: a filtered aggregate over a small dataset (one Parquet file of {@link #ROWS}
 * rows, written here), timed from the submission to the last byte of its Arrow result, each answer checked
 * against DuckDB's; then DuckDB alone on the same file, for its p50 as the baseline.
 */
final class ShortQuery {

  static final String DATASET = "short_events";
  static final int ROWS = 1000;
  static final int WARM_UPS = 10;
  static final String SQL = "SELECT grp, count(*) AS n, sum(amount) AS total FROM " + DATASET
      + " WHERE id % 7 <> 0 GROUP BY grp ORDER BY grp";

  /** Its timings on both sides; {@code mismatch} names the first answer that differed, null when none. */
  record Result(int rows, Stats cluster, Phases phases, Stats duckdb, String mismatch) {
    double p50Ratio() {
      return cluster.percentile(0.5) / duckdb.percentile(0.5);
    }
  }

  private ShortQuery() {}

  static Result run(Path datasets, ClusterSql cluster, DuckDbAlone duckdb, int runs) throws Exception {
    Path dir = Files.createDirectories(datasets.resolve(DATASET));
    duckdb.execute("COPY (SELECT i AS id, i % 10 AS grp, CAST(i * 0.25 AS DECIMAL(12,2)) AS amount FROM range(" + ROWS
        + ") t(i)) TO '" + dir.resolve("part-0.parquet") + "' (FORMAT PARQUET)");
    cluster.registerParquet(DATASET, dir.toString());
    duckdb.view(DATASET, dir + "/*.parquet");
    Answer expected = duckdb.run(SQL);
    boolean ordered = AnswerCheck.ordered(SQL);
    String mismatch = null;
    List<ClusterSql.Run> timed = new ArrayList<>();
    for (int r = 0; r < WARM_UPS + runs; r++) {
      ClusterSql.Run run = cluster.run(SQL);
      if (r >= WARM_UPS) {
        timed.add(run);
      }
      Optional<String> difference = AnswerCheck.difference(expected, run.answer(), ordered);
      if (mismatch == null && difference.isPresent()) {
        mismatch = "run " + (r + 1) + ": " + difference.get();
      }
    }
    List<Double> duckdbMs = new ArrayList<>();
    for (int r = 0; r < WARM_UPS + runs; r++) {
      long started = System.nanoTime();
      duckdb.run(SQL);
      double ms = (System.nanoTime() - started) / 1e6;
      if (r >= WARM_UPS) {
        duckdbMs.add(ms);
      }
    }
    return new Result(expected.rows().size(), Stats.of(timed.stream().map(ClusterSql.Run::totalMs).toList()),
        Phases.medians(timed), Stats.of(duckdbMs), mismatch);
  }
}
