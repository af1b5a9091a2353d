package io.mainstay.sql.datasets;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads what a dataset is from its files, in a sandboxed DuckDB: the files its location names, the schema
 * (DuckDB's own inference, the same reader the executors use), and each Parquet file's row count from its
 * footer. Blocking: callers run it off their actor.
 */
public final class DatasetScanner {

  private final DatasetRoots roots;
  private final Path spill;

  public DatasetScanner(DatasetRoots roots, Path spill) {
    this.roots = roots;
    this.spill = spill;
  }

  /** The dataset {@code name} as its files are now. */
  public Dataset scan(String name, Dataset.Format format, String location, Dataset.CsvOptions csv) {
    List<Path> paths = roots.files(location);
    try (Connection duck = DuckDbSandbox.open(roots.roots(), spill, "256MB"); Statement s = duck.createStatement()) {
      List<Dataset.Column> columns = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + reader(format, csv, paths))) {
        while (rs.next()) {
          columns.add(new Dataset.Column(rs.getString("column_name"), rs.getString("column_type")));
        }
      }
      List<Dataset.DataFile> files = new ArrayList<>();
      Long total = format == Dataset.Format.parquet ? 0L : null;
      for (Path path : paths) {
        Long rows = null;
        if (format == Dataset.Format.parquet) {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + reader(format, csv, List.of(path)))) {
            rs.next();
            rows = rs.getLong(1);
          }
          total += rows;
        }
        files.add(new Dataset.DataFile(path.toString(), Files.size(path), rows));
      }
      return new Dataset(name, format, location, csv, columns, files, total, List.of());
    } catch (SQLException e) {
      throw new DatasetProblem("the files of " + location + " cannot be read as " + format + ": " + firstLine(e.getMessage()));
    } catch (IOException e) {
      throw new DatasetProblem("the files of " + location + " cannot be read: " + e.getMessage());
    }
  }

  /** The DuckDB table function that reads {@code files} as {@code format}. */
  public static String reader(Dataset.Format format, Dataset.CsvOptions csv, List<Path> files) {
    String list = files.stream().map(p -> DuckDbSandbox.literal(p.toString())).collect(Collectors.joining(", ", "[", "]"));
    if (format == Dataset.Format.parquet) {
      return "read_parquet(" + list + ")";
    }
    return "read_csv(" + list + ", header = " + csv.header() + ", delim = " + DuckDbSandbox.literal(csv.delimiter()) + ")";
  }

  /**
   * The reader of some of {@code dataset}'s files with the schema it was registered with: CSV types are not
   * inferred again per split (a split's files alone could suggest other types than the whole dataset's).
   */
  public static String reader(Dataset dataset, List<Path> files) {
    String reader = reader(dataset.format(), dataset.csv(), files);
    if (dataset.format() == Dataset.Format.parquet) {
      return reader;
    }
    String columns = dataset.columns().stream()
        .map(c -> DuckDbSandbox.literal(c.name()) + ": " + DuckDbSandbox.literal(c.type()))
        .collect(Collectors.joining(", ", "{", "}"));
    return reader.substring(0, reader.length() - 1) + ", columns = " + columns + ")";
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
  }
}
