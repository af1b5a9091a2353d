package io.mainstay.sql.planning;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;

/**
 * Asks DuckDB which types the final SQL returns. Calcite's types differ from DuckDB's in places
 * (AVG of an INTEGER, SUM of a BIGINT, decimal arithmetic), and the user gets DuckDB's. The
 * statements are only prepared, over empty tables shaped like the datasets and the fragments'
 * outputs, so nothing is read. One DuckDB serves every plan of the process (opening one costs more than
 * the rest of planning a short query); each plan has a connection of its own, whose temporary tables no
 * other plan sees and which go with it.
 */
final class ResultTypes {
  /** Where DuckDB may spill, which it never needs to here: tables stay empty, queries are prepared. */
  private static final Path SCRATCH = Path.of(System.getProperty("java.io.tmpdir"));

  private ResultTypes() {}

  /** Opened on first use; like every DuckDB Mainstay opens a sandboxed one, and this one may read no file. */
  private static final class Shared {
    static final DuckDBConnection DATABASE = open();

    private static DuckDBConnection open() {
      try {
        return DuckDbSandbox.open(List.of(), SCRATCH, "64MB").unwrap(DuckDBConnection.class);
      } catch (SQLException e) {
        throw new IllegalStateException("the DuckDB that checks result types did not open: " + e.getMessage(), e);
      }
    }
  }

  static List<String> of(List<ScanFragment> scans, List<JoinFragment> joins, String finalSql,
      Datasets datasets) {
    try (Connection c = Shared.DATABASE.duplicate();
        Statement st = c.createStatement()) {
      Set<String> created = new HashSet<>();
      for (ScanFragment scan : scans) {
        List<String> read = new ArrayList<>(scan.broadcast());
        read.add(scan.dataset());
        for (String dataset : read) {
          if (created.add(dataset)) {
            st.execute(createTable(dataset, datasets.find(dataset).orElseThrow().columns()));
          }
        }
        st.execute(createTable(scan.input(), columns(c, scan.sql())));
        if (scan.partitionBy() != null) {
          // the executors run it: it must name the fragment's output columns as DuckDB does
          columns(c, scan.partitionSql(quote(scan.input()), 0, 2));
        }
      }
      for (JoinFragment join : joins) {
        st.execute(createTable(join.input(), columns(c, join.sql())));
      }
      List<String> types = new ArrayList<>();
      for (Column column : columns(c, finalSql)) {
        types.add(column.type());
      }
      return types;
    } catch (SQLException e) {
      throw new SqlRejected(SqlRejected.Kind.INVALID,
          "the query was planned into SQL that DuckDB refuses: " + e.getMessage());
    }
  }

  private static List<Column> columns(Connection c, String sql) throws SQLException {
    try (PreparedStatement prepared = c.prepareStatement(sql)) {
      ResultSetMetaData meta = prepared.getMetaData();
      List<Column> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(new Column(meta.getColumnName(i), meta.getColumnTypeName(i)));
      }
      return columns;
    }
  }

  private static String createTable(String name, List<Column> columns) {
    return "CREATE TEMP TABLE " + quote(name) + " (" + columns.stream()
        .map(column -> quote(column.name()) + " " + column.type())
        .collect(Collectors.joining(", ")) + ")";
  }

  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
