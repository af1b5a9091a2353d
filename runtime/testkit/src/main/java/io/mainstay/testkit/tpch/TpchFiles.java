package io.mainstay.testkit.tpch;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The eight TPC-H tables from the reference generator (io.trino.tpch), each written as Parquet files with
 * the types the specification asks for: money and quantities DECIMAL(15,2), dates DATE; and the 22 queries
 * with the validation parameters (Q15's view written as WITH). For the planner's tests and the query benchmark.
 */
public final class TpchFiles {

  /** A table's files and its columns as DuckDB types. */
  public record Table(String name, List<Path> files, List<Column> columns) {}

  public record Column(String name, String type) {}

  private TpchFiles() {}

  /** Writes every table as {@code filesPerTable} Parquet files under {@code dir}, by table name. */
  public static Map<String, Table> write(double scale, int filesPerTable, Path dir) throws SQLException {
    return write(scale, filesPerTable, dir, table -> { });
  }

  /** As {@link #write(double, int, Path)}, telling {@code written} each table once its files are: progress at large scales. */
  public static Map<String, Table> write(double scale, int filesPerTable, Path dir, Consumer<Table> written)
      throws SQLException {
    Map<String, Table> tables = new HashMap<>();
    try {
      Class.forName("org.duckdb.DuckDBDriver");
    } catch (ClassNotFoundException e) {
      throw new SQLException("DuckDB's JDBC driver is not on the class path", e);
    }
    try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      for (TpchTable<?> table : TpchTable.getTables()) {
        Table done = new Table(table.getTableName(), write(table, scale, filesPerTable, c, st, dir), columns(table));
        tables.put(done.name(), done);
        written.accept(done);
      }
    }
    return tables;
  }

  /** Query {@code n} (1..22), as text. */
  public static String query(int n) {
    try (InputStream in = TpchFiles.class.getResourceAsStream(String.format("q%02d.sql", n))) {
      if (in == null) {
        throw new IllegalArgumentException("no TPC-H query " + n);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <E extends TpchEntity> List<Path> write(TpchTable<E> table, double scale, int filesPerTable,
      DuckDBConnection c, Statement st, Path dir) throws SQLException {
    String name = table.getTableName();
    List<String> staged = new ArrayList<>();
    List<String> typed = new ArrayList<>();
    for (TpchColumn<E> column : table.getColumns()) {
      staged.add(column.getColumnName() + " " + stagedType(column));
      typed.add(typed(column) + " AS " + column.getColumnName());
    }
    st.execute("CREATE TABLE " + name + " (" + String.join(", ", staged) + ")");
    try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, name)) {
      for (E row : table.createGenerator(scale, 1, 1)) {
        appender.beginRow();
        for (TpchColumn<E> column : table.getColumns()) {
          append(appender, column, row);
        }
        appender.endRow();
      }
    }
    List<Path> files = new ArrayList<>();
    for (int k = 0; k < filesPerTable; k++) {
      Path file = dir.resolve(name + "_" + k + ".parquet");
      st.execute("COPY (SELECT " + String.join(", ", typed) + " FROM " + name + " WHERE rowid % "
          + filesPerTable + " = " + k + ") TO '" + file + "' (FORMAT PARQUET)");
      files.add(file);
    }
    st.execute("DROP TABLE " + name); // at scale 1 the staged tables would hold gigabytes until the end
    return files;
  }

  private static <E extends TpchEntity> void append(DuckDBAppender appender, TpchColumn<E> column,
      E row) throws SQLException {
    switch (column.getType().getBase()) {
      case IDENTIFIER -> appender.append(column.getIdentifier(row));
      case INTEGER -> appender.append(column.getInteger(row));
      case DATE -> appender.append(column.getDate(row));
      case DOUBLE -> appender.append(column.getDouble(row));
      case VARCHAR -> appender.append(column.getString(row));
    }
  }

  /** How the generator hands a value over; dates come as days since 1970-01-01. */
  private static String stagedType(TpchColumn<?> column) {
    return switch (column.getType().getBase()) {
      case IDENTIFIER -> "BIGINT";
      case INTEGER, DATE -> "INTEGER";
      case DOUBLE -> "DOUBLE";
      case VARCHAR -> "VARCHAR";
    };
  }

  private static String typed(TpchColumn<?> column) {
    return switch (column.getType().getBase()) {
      case DATE -> "DATE '1970-01-01' + " + column.getColumnName();
      default -> "CAST(" + column.getColumnName() + " AS " + type(column) + ")";
    };
  }

  private static String type(TpchColumn<?> column) {
    return switch (column.getType().getBase()) {
      case IDENTIFIER -> "BIGINT";
      case INTEGER -> "INTEGER";
      case DATE -> "DATE";
      case DOUBLE -> "DECIMAL(15,2)";
      case VARCHAR -> "VARCHAR";
    };
  }

  private static List<Column> columns(TpchTable<?> table) {
    List<Column> columns = new ArrayList<>();
    for (TpchColumn<?> column : table.getColumns()) {
      columns.add(new Column(column.getColumnName(), type(column)));
    }
    return columns;
  }
}
