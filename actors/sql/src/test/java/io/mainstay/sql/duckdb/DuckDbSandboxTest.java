package io.mainstay.sql.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbSandboxTest {

  @TempDir Path dir;

  private Connection open() throws Exception {
    Path root = Files.createDirectories(dir.resolve("datasets")).toRealPath();
    Files.writeString(root.resolve("a.csv"), "x,y\n1,one\n2,two\n");
    return DuckDbSandbox.open(List.of(root), Files.createDirectories(dir.resolve("spill")), "256MB");
  }

  @Test
  void readsFilesUnderItsRoots() throws Exception {
    try (Connection c = open(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sum(x) FROM read_csv(" + DuckDbSandbox.literal(dir.toRealPath() + "/datasets/a.csv") + ")")) {
      rs.next();
      assertEquals(3, rs.getLong(1));
    }
  }

  @Test
  void refusesEveryOtherWayToReadOrWriteFiles() throws Exception {
    Path root = dir.toRealPath().resolve("datasets");
    List<String> attempts = List.of(
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('" + root + "/../../../../etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "ATTACH '/tmp/other.duckdb' AS other",
        "COPY (SELECT 1) TO '/tmp/mainstay-sandbox-escape.csv'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "RESET lock_configuration");
    try (Connection c = open(); Statement s = c.createStatement()) {
      for (String sql : attempts) {
        assertThrows(SQLException.class, () -> s.execute(sql), sql);
      }
    }
    assertEquals(false, Files.exists(Path.of("/tmp/mainstay-sandbox-escape.csv")));
  }
}
