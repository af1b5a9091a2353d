package io.mainstay.sql.planning;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The eight TPC-H tables from the reference generator, each written as three Parquet files with
 * the types the specification asks for: money and quantities DECIMAL(15,2), dates DATE.
 */
final class TpchData {
  static final int FILES_PER_TABLE = 3;

  /** Each table's files (its splits) and its schema. */
  record Tables(Map<String, List<Path>> splits, Map<String, DatasetSchema> schemas) {}

  private TpchData() {}

  static Tables write(double scale, Path dir) throws SQLException {
    Map<String, List<Path>> splits = new HashMap<>();
    Map<String, DatasetSchema> schemas = new HashMap<>();
    try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      for (TpchTable<?> table : TpchTable.getTables()) {
        splits.put(table.getTableName(), write(table, scale, c, st, dir));
        schemas.put(table.getTableName(), schema(table));
      }
    }
    return new Tables(splits, schemas);
  }

  private static <E extends TpchEntity> List<Path> write(TpchTable<E> table, double scale,
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
    for (int k = 0; k < FILES_PER_TABLE; k++) {
      Path file = dir.resolve(name + "_" + k + ".parquet");
      st.execute("COPY (SELECT " + String.join(", ", typed) + " FROM " + name + " WHERE rowid % "
          + FILES_PER_TABLE + " = " + k + ") TO '" + file + "' (FORMAT PARQUET)");
      files.add(file);
    }
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

  private static DatasetSchema schema(TpchTable<?> table) {
    List<Column> columns = new ArrayList<>();
    for (TpchColumn<?> column : table.getColumns()) {
      columns.add(new Column(column.getColumnName(), type(column)));
    }
    return new DatasetSchema(table.getTableName(), columns);
  }
}
