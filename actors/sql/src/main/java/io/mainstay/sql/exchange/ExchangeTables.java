package io.mainstay.sql.exchange;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;

/**
 * Where a node keeps the streams it receives, in its DuckDB: a schema per job, a table per stream (one attempt
 * of one split, or of one partition of it), so that DuckDB holds them in memory up to its limit and spills the
 * rest, never the Java heap. A coordinator keeps its fragments' results here, an executor the rows of the join
 * partitions it runs.
 */
public final class ExchangeTables {

  private final DuckDBConnection base;
  private final BufferAllocator allocator;

  public ExchangeTables(DuckDBConnection base, BufferAllocator allocator) {
    this.base = base;
    this.allocator = allocator;
  }

  /** Opens {@code job}'s schema; streams may arrive from now on. */
  public ExchangeInbox open(String job) throws SQLException {
    // every call on a connection of its own: jobs open and drop from many threads at once, and one DuckDB
    // connection runs one statement at a time
    try (Connection c = base.duplicate(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema(job));
    }
    return this::store;
  }

  private void store(ExchangeKey key, ArrowReader rows) throws SQLException {
    // a connection of its own: the registered stream is a view of that connection only
    String stream = "incoming";
    try (ArrowArrayStream exported = ArrowArrayStream.allocateNew(allocator);
        Connection c = base.duplicate();
        Statement s = c.createStatement()) {
      Data.exportArrayStream(allocator, rows, exported);
      c.unwrap(DuckDBConnection.class).registerArrowStream(stream, exported);
      s.execute("CREATE TABLE " + table(key) + " AS SELECT * FROM " + stream);
    }
  }

  /** On {@code s}, a temporary view per input: the union of the streams named for it. */
  public static void viewInputs(Statement s, Map<String, List<ExchangeKey>> inputs) throws SQLException {
    for (Map.Entry<String, List<ExchangeKey>> input : inputs.entrySet()) {
      s.execute("CREATE TEMP VIEW " + DuckDbSandbox.identifier(input.getKey()) + " AS "
          + input.getValue().stream().map(k -> "SELECT * FROM " + table(k)).collect(Collectors.joining(" UNION ALL ")));
    }
  }

  /** Drops everything of {@code job}; nothing when it has nothing here. */
  public void drop(String job) throws SQLException {
    try (Connection c = base.duplicate(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema(job) + " CASCADE");
    }
  }

  public static String schema(String job) {
    return DuckDbSandbox.identifier("job_" + job);
  }

  public static String table(ExchangeKey key) {
    return schema(key.job()) + "." + DuckDbSandbox.identifier(key.table());
  }
}
