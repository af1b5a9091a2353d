package io.mainstay.sql.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import io.mainstay.sql.jobs.JobDatabase;
import io.mainstay.sql.jobs.JobDatabaseProbe;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fragment's rows leave one DuckDB as Arrow, cross Flight, and land whole in the coordinator's DuckDB. */
class ExchangeRoundTripTest {

  /** Every type the planner's fragments produce, with NULLs, over more rows than one batch. */
  private static final String ROWS = "SELECT i AS id, i % 7 = 0 AS flag, (i * 1.25)::DECIMAL(15,2) AS amount, "
      + "i / 3.0 AS ratio, DATE '2024-01-01' + (i % 400)::INTEGER AS day, "
      + "CASE WHEN i % 5 = 0 THEN NULL ELSE 'name-' || i END AS name, "
      + "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND AS moment FROM range(250000) t(i)";

  @TempDir Path dir;
  private BufferAllocator allocator;
  private ExchangeServer server;
  private ExchangeSender sender;
  private JobDatabase coordinator;
  private Connection executor;

  @BeforeEach
  void start() throws Exception {
    allocator = new RootAllocator();
    server = new ExchangeServer(allocator, "127.0.0.1", "127.0.0.1", 0);
    sender = new ExchangeSender(allocator);
    coordinator = new JobDatabase(dir, "512MB", dir, allocator);
    executor = DuckDbSandbox.open(List.of(dir.toRealPath()), dir, "512MB");
  }

  @AfterEach
  void stop() throws Exception {
    executor.close();
    sender.close();
    server.close();
    coordinator.close();
    allocator.close();
  }

  @Test
  void rowsArriveWholeAndTyped() throws Exception {
    server.open("j1", coordinator.open("j1"));
    ExchangeKey first = new ExchangeKey("j1", "scan_0", 0, 1);
    ExchangeKey second = new ExchangeKey("j1", "scan_0", 1, 1);
    assertEquals(200_000, send(first, ROWS + " WHERE i < 200000"));
    assertEquals(50_000, send(second, ROWS + " WHERE i >= 200000"));

    String summary = "SELECT count(*), count(name), sum(amount), sum(ratio), min(day), max(moment), "
        + "count(*) FILTER (WHERE flag), typeof(any_value(amount)), typeof(any_value(day)), typeof(any_value(moment)) FROM ";
    JobDatabase.Result result = coordinator.finish("j1", Map.of("scan_0", List.of(first, second)), summary + "scan_0");
    assertEquals(1, result.rows());
    try (Statement s = executor.createStatement(); ResultSet expected = s.executeQuery(summary + "(" + ROWS + ")")) {
      expected.next();
      List<Object> row = coordinator.page("j1", 0, 10).get(0);
      for (int i = 0; i < row.size(); i++) {
        assertEquals(JobDatabaseProbe.json(expected.getObject(i + 1)), row.get(i), "column " + (i + 1));
      }
    }
  }

  @Test
  void anEmptyResultKeepsItsSchema() throws Exception {
    server.open("j2", coordinator.open("j2"));
    ExchangeKey key = new ExchangeKey("j2", "scan_0", 0, 1);
    assertEquals(0, send(key, ROWS + " WHERE false"));
    JobDatabase.Result result = coordinator.finish("j2", Map.of("scan_0", List.of(key)), "SELECT id, amount FROM scan_0");
    assertEquals(0, result.rows());
    assertEquals(List.of("id BIGINT", "amount DECIMAL(15,2)"),
        result.columns().stream().map(c -> c.name() + " " + c.type()).toList());
  }

  @Test
  void aStreamForAJobNotRunningHereIsRefused() {
    Exception refused = assertThrows(Exception.class, () -> send(new ExchangeKey("gone", "scan_0", 0, 1), ROWS));
    assertTrue(refused.getMessage().contains("job gone is not running on this coordinator"), refused.getMessage());
  }

  private long send(ExchangeKey key, String sql) throws Exception {
    try (Statement s = executor.createStatement(); ResultSet rs = s.executeQuery(sql);
        ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 8192)) {
      return sender.send(server.address(), key, reader, () -> false);
    }
  }
}
