package io.mainstay.sql.datasets;

import java.util.List;

/**
 * A registered dataset as the store keeps it: where its files are, how to read them, the schema inferred
 * from them and the files found at the last scan.
 *
 * @param rows the sum of the files' rows, or null when some file's count is not cheap to know (CSV)
 * @param created the files {@code CREATE TABLE AS} wrote for it, which {@code DROP TABLE} deletes; empty for a
 *     registered dataset, whose files are never deleted
 */
public record Dataset(
    String name, Format format, String location, CsvOptions csv, List<Column> columns, List<DataFile> files, Long rows,
    List<String> created) {

  public enum Format { parquet, csv }

  /** How CSV files are read; null for Parquet. */
  public record CsvOptions(boolean header, String delimiter) {}

  /** A column: its name and its DuckDB type (BIGINT, VARCHAR, DECIMAL(15,2), DATE, ...). */
  public record Column(String name, String type) {}

  /** @param rows null when not cheap to know */
  public record DataFile(String path, long size, Long rows) {}

  public Dataset {
    columns = List.copyOf(columns);
    files = List.copyOf(files);
    created = created == null ? List.of() : List.copyOf(created);
  }

  Dataset created(List<String> written) {
    return new Dataset(name, format, location, csv, columns, files, rows, written);
  }
}
