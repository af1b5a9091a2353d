package io.mainstay.sql.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetScannerTest {

  @TempDir Path local;
  private DatasetRoots roots;
  private DatasetScanner scanner;
  private Path root;

  @BeforeEach
  void setUp() throws Exception {
    roots = DatasetRoots.from(ConfigFactory.parseMap(Map.of("paths.local", local.toString())));
    root = roots.roots().get(0);
    scanner = new DatasetScanner(roots, Files.createDirectories(local.resolve("spill")));
    Files.createDirectories(root.resolve("sales"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (int part = 0; part < 2; part++) {
        s.execute("COPY (SELECT i AS id, 'item ' || i AS name, CAST(i * 1.5 AS DECIMAL(10,2)) AS price, DATE '2024-01-01' + CAST(i AS INTEGER) AS day"
            + " FROM range(" + part * 100 + ", " + (part * 100 + 100 + part * 50) + ") t(i)) TO '" + root.resolve("sales/part-" + part + ".parquet")
            + "' (FORMAT PARQUET)");
      }
    }
    Files.writeString(root.resolve("people.csv"), "id;name\n1;ann\n2;bob\n");
  }

  @Test
  void theDefaultRootIsUnderPathsLocal() throws Exception {
    assertEquals(List.of(local.resolve("datasets").toRealPath()), roots.roots());
  }

  @Test
  void aDirectoryOfParquetFilesGivesSchemaFilesAndRows() {
    Dataset d = scanner.scan("sales", Dataset.Format.parquet, root.resolve("sales").toString(), null);
    assertEquals(List.of(
        new Dataset.Column("id", "BIGINT"), new Dataset.Column("name", "VARCHAR"),
        new Dataset.Column("price", "DECIMAL(10,2)"), new Dataset.Column("day", "DATE")), d.columns());
    assertEquals(2, d.files().size());
    assertEquals(100L, d.files().get(0).rows());
    assertEquals(150L, d.files().get(1).rows());
    assertEquals(250L, d.rows());
    assertTrue(d.files().get(0).size() > 0);
  }

  @Test
  void aGlobNamesTheFilesItMatches() {
    Dataset d = scanner.scan("sales", Dataset.Format.parquet, root + "/sales/*-1.parquet", null);
    assertEquals(List.of(root.resolve("sales/part-1.parquet").toString()), d.files().stream().map(Dataset.DataFile::path).toList());
  }

  @Test
  void csvTakesItsHeaderAndDelimiter() {
    Dataset d = scanner.scan("people", Dataset.Format.csv, root.resolve("people.csv").toString(), new Dataset.CsvOptions(true, ";"));
    assertEquals(List.of(new Dataset.Column("id", "BIGINT"), new Dataset.Column("name", "VARCHAR")), d.columns());
    assertNull(d.rows());
  }

  @Test
  void locationsOutsideTheRootsAreRefusedNamingTheKey() throws Exception {
    Files.createSymbolicLink(root.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    for (String location : List.of("/etc/passwd", "/etc", root + "/../../../etc/passwd", root + "/passwd", root + "/etc/passwd",
        root + "/etc/pass*", "relative/path")) {
      DatasetProblem p = assertThrows(DatasetProblem.class, () -> scanner.scan("x", Dataset.Format.csv, location, new Dataset.CsvOptions(true, ",")), location);
      assertTrue(p.getMessage().contains("paths.datasets"), p.getMessage());
    }
  }

  @Test
  void aDirectoryWithASymlinkOutsideIsRefused() throws Exception {
    Files.createSymbolicLink(root.resolve("sales/zz.parquet"), Path.of("/etc/passwd"));
    DatasetProblem p = assertThrows(DatasetProblem.class, () -> scanner.scan("sales", Dataset.Format.parquet, root.resolve("sales").toString(), null));
    assertTrue(p.getMessage().contains("leads outside paths.datasets"), p.getMessage());
  }

  @Test
  void filesThatAreNotOfTheFormatGiveOneClearError() {
    DatasetProblem p = assertThrows(DatasetProblem.class, () -> scanner.scan("people", Dataset.Format.parquet, root.resolve("people.csv").toString(), null));
    assertTrue(p.getMessage().startsWith("the files of " + root.resolve("people.csv") + " cannot be read as parquet: "), p.getMessage());
    assertThrows(DatasetProblem.class, () -> scanner.scan("none", Dataset.Format.parquet, root + "/nothing-*.parquet", null));
  }
}
