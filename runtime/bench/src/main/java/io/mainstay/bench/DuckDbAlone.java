package io.mainstay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The baseline: one DuckDB in the benchmark's own process, over the same files as the cluster's datasets. */
final class DuckDbAlone implements AutoCloseable {

  private final Connection connection;
  private final Statement statement;

  DuckDbAlone() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    statement = connection.createStatement();
  }

  /** Names the Parquet files at {@code glob} as the cluster's dataset {@code name} does. */
  void view(String name, String glob) throws SQLException {
    execute("CREATE VIEW " + name + " AS SELECT * FROM read_parquet('" + glob + "')");
  }

  void execute(String sql) throws SQLException {
    statement.execute(sql);
  }

  Answer run(String sql) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      return Answer.read(rs);
    }
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = connection) {
      statement.close();
    }
  }
}
