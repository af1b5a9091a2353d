package io.mainstay.sql.duckdb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An embedded DuckDB that reads files under the dataset roots and nothing else: external access off,
 * {@code allowed_directories} the roots, no extension installed or loaded, and the configuration locked so
 * that no later statement can widen any of it. Every DuckDB Mainstay opens (schema inference on the main,
 * fragments on executors, the final stage on coordinators) opens through here.
 */
public final class DuckDbSandbox {

  private DuckDbSandbox() {}

  /**
   * @param roots the directories files may be read from (absolute, real paths)
   * @param spill where DuckDB may write its temporary files
   * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code "2GB"}
   */
  public static Connection open(List<Path> roots, Path spill, String memoryLimit) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:duckdb:");
    NativeCopy.unlinkOnce();
    try (Statement s = connection.createStatement()) {
      s.execute("SET autoinstall_known_extensions = false");
      s.execute("SET autoload_known_extensions = false");
      s.execute("SET allowed_directories = [" + roots.stream().map(r -> literal(r.toString() + "/")).collect(Collectors.joining(", ")) + "]");
      s.execute("SET temp_directory = " + literal(spill.toString()));
      s.execute("SET memory_limit = " + literal(memoryLimit));
      s.execute("SET enable_external_access = false");
      s.execute("SET lock_configuration = true");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /** A quoted SQL identifier: the name in double quotes, each quote doubled. */
  public static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A SQL string literal: the text in single quotes, each quote doubled. */
  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
