package io.mainstay.sql.datasets;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The sample a newcomer queries right after the first start: {@code sales}, 100 000 rows of made-up orders
 * in two Parquet files under the first dataset root, written by DuckDB from arithmetic (nothing is
 * downloaded), the same bytes on every machine.
 */
final class SampleDataset {

  static final String NAME = "sales";
  static final int FILES = 2;
  static final int ROWS_PER_FILE = 50_000;

  private SampleDataset() {}

  /** Writes the files unless they exist; answers the directory to register. */
  static Path write(DatasetRoots roots, Path spill) {
    Path dir = roots.roots().get(0).resolve("sample").resolve(NAME);
    try {
      Files.createDirectories(dir);
      try (Connection duck = DuckDbSandbox.open(roots.roots(), spill, "256MB"); Statement s = duck.createStatement()) {
        for (int part = 0; part < FILES; part++) {
          Path file = dir.resolve("part-" + part + ".parquet");
          if (Files.exists(file)) {
            continue;
          }
          Path partial = dir.resolve(".part-" + part + ".parquet.tmp");
          long from = (long) part * ROWS_PER_FILE;
          s.execute("COPY (SELECT i + 1 AS order_id,"
              + " DATE '2024-01-01' + CAST(i % 366 AS INTEGER) AS order_date,"
              + " ['north', 'south', 'east', 'west', 'central'][CAST(i % 5 AS INTEGER) + 1] AS region,"
              + " 'product-' || lpad(CAST((i * 7919) % 40 AS VARCHAR), 2, '0') AS product,"
              + " CAST(1 + (i * 31) % 9 AS INTEGER) AS quantity,"
              + " CAST(((i * 104729) % 20000) / 100.0 + 0.99 AS DECIMAL(10, 2)) AS unit_price,"
              + " CASE WHEN i % 17 = 0 THEN NULL ELSE 'customer-' || CAST((i * 13) % 2000 AS VARCHAR) END AS customer"
              + " FROM range(" + from + ", " + (from + ROWS_PER_FILE) + ") t(i))"
              + " TO " + DuckDbSandbox.literal(partial.toString()) + " (FORMAT PARQUET)");
          Files.move(partial, file);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the sample dataset could not be written under " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("the sample dataset could not be written under " + dir, e);
    }
    return dir;
  }
}
