package io.mainstay.sql.planning;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Test-only stand-in for the cluster: runs each fragment per file split (its broadcast datasets
 * whole beside it), each partitioned join per partition over its sides' rows of that partition,
 * then the final SQL.
 */
final class LocalClusterSimulator {
  /** Partitions of every partitioned join: more than the splits, so that some are empty. */
  private static final int PARTITIONS = 4;

  private final Map<String, List<Path>> splits;
  private final Path work;

  LocalClusterSimulator(Map<String, List<Path>> splits, Path work) {
    this.splits = splits;
    this.work = work;
  }

  List<List<Object>> run(QueryPlan plan) throws SQLException {
    try (Connection coordinator = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = coordinator.createStatement()) {
      Map<String, ScanFragment> sides = new HashMap<>();
      Map<String, List<String>> outputs = new HashMap<>();
      for (ScanFragment scan : plan.scans()) {
        List<String> files = new ArrayList<>();
        int i = 0;
        for (Path split : splits.get(scan.dataset())) {
          String out = work.resolve(scan.input() + "_" + i++ + ".parquet").toString();
          try (Connection executor = DriverManager.getConnection("jdbc:duckdb:");
              Statement es = executor.createStatement()) {
            es.execute(view(scan.dataset(), List.of(split)));
            for (String broadcast : scan.broadcast()) {
              es.execute(view(broadcast, splits.get(broadcast)));
            }
            es.execute("COPY (" + scan.sql() + ") TO '" + out + "' (FORMAT PARQUET)");
          }
          files.add("'" + out + "'");
        }
        outputs.put(scan.input(), files);
        if (scan.partitionBy() != null) {
          sides.put(scan.input(), scan);
        } else {
          st.execute("CREATE TABLE \"" + scan.input() + "\" AS SELECT * FROM read_parquet(["
              + String.join(",", files) + "])");
        }
      }
      for (JoinFragment join : plan.joins()) {
        List<String> parts = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
          String out = work.resolve(join.input() + "_" + partition + ".parquet").toString();
          try (Connection executor = DriverManager.getConnection("jdbc:duckdb:");
              Statement es = executor.createStatement()) {
            for (String side : join.sides()) {
              ScanFragment scan = sides.get(side);
              es.execute("CREATE TEMP VIEW \"" + side + "\" AS " + scan.partitionSql(
                  "read_parquet([" + String.join(",", outputs.get(side)) + "])", partition, PARTITIONS));
            }
            es.execute("COPY (" + join.sql() + ") TO '" + out + "' (FORMAT PARQUET)");
          }
          parts.add("'" + out + "'");
        }
        st.execute("CREATE TABLE \"" + join.input() + "\" AS SELECT * FROM read_parquet(["
            + String.join(",", parts) + "])");
      }
      return rows(st, plan.finalSql());
    }
  }

  /** The oracle: DuckDB running the user's SQL over views of the whole datasets. */
  List<List<Object>> oracle(String sql) throws SQLException {
    try (Connection c = wholeDatasets(); Statement st = c.createStatement()) {
      return rows(st, sql);
    }
  }

  /** The type names DuckDB gives the columns of the user's SQL over the whole datasets. */
  List<String> oracleTypes(String sql) throws SQLException {
    try (Connection c = wholeDatasets(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        types.add(rs.getMetaData().getColumnTypeName(i));
      }
      return types;
    }
  }

  private Connection wholeDatasets() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement st = c.createStatement()) {
      for (Map.Entry<String, List<Path>> e : splits.entrySet()) {
        st.execute(view(e.getKey(), e.getValue()));
      }
    }
    return c;
  }

  private static String view(String name, List<Path> files) {
    return "CREATE TEMP VIEW \"" + name + "\" AS SELECT * FROM read_parquet(["
        + files.stream().map(p -> "'" + p + "'").collect(Collectors.joining(",")) + "])";
  }

  static List<List<Object>> rows(Statement st, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
