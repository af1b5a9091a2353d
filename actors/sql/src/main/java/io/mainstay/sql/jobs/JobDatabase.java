package io.mainstay.sql.jobs;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import io.mainstay.sql.exchange.ExchangeInbox;
import io.mainstay.sql.exchange.ExchangeKey;
import io.mainstay.sql.exchange.ExchangeTables;
import io.mainstay.sql.planning.Column;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * A coordinator's DuckDB: each job has a schema of its own ({@link ExchangeTables}), holding one table per
 * attempt of each fragment split it received and, once the final stage ran, its result. DuckDB keeps them in memory up to its memory
 * limit and spills the rest under the coordinator's {@code paths.local}, so a large result never sits in the
 * Java heap. Nothing here reads a dataset's file: the only directory it may reach is the one CREATE TABLE AS
 * writes to.
 */
public final class JobDatabase implements AutoCloseable {

  private final DuckDBConnection base;
  private final BufferAllocator allocator;
  private final ExchangeTables tables;

  /** Rows per Arrow batch of a streamed result. */
  private static final int STREAM_BATCH_ROWS = 64 * 1024;
  /** The final stage running for each job, to cancel. */
  private final Map<String, Statement> finalStages = new ConcurrentHashMap<>();

  /** @param scratch where CREATE TABLE AS writes its files */
  public JobDatabase(Path spill, String memoryLimit, Path scratch, BufferAllocator allocator) throws SQLException {
    this.base = DuckDbSandbox.open(List.of(scratch), spill, memoryLimit).unwrap(DuckDBConnection.class);
    this.allocator = allocator;
    this.tables = new ExchangeTables(base, allocator);
  }

  /** Opens {@code job}'s schema; fragments' results may arrive from now on. */
  public ExchangeInbox open(String job) throws SQLException {
    return tables.open(job);
  }

  /**
   * Runs the final stage over the accepted attempts: {@code inputs} names, per fragment input, the split
   * attempts whose rows count. Answers the result's row count and columns (DuckDB's own types).
   */
  public Result finish(String job, Map<String, List<ExchangeKey>> inputs, String finalSql) throws SQLException {
    try (Connection c = base.duplicate(); Statement s = c.createStatement()) {
      finalStages.put(job, s);
      ExchangeTables.viewInputs(s, inputs);
      s.execute("CREATE TABLE " + result(job) + " AS " + finalSql);
      for (List<ExchangeKey> attempts : inputs.values()) {
        for (ExchangeKey k : attempts) {
          s.execute("DROP TABLE IF EXISTS " + ExchangeTables.table(k) + " CASCADE");
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + result(job))) {
        rs.next();
        long rows = rs.getLong(1);
        return new Result(rows, columns(s, job));
      }
    } finally {
      finalStages.remove(job);
    }
  }

  /** Stops {@code job}'s final stage if it runs: {@link #finish} then fails. */
  public void cancel(String job) {
    Statement running = finalStages.get(job);
    if (running != null) {
      try {
        running.cancel();
      } catch (SQLException e) {
        throw new IllegalStateException("the final stage of job " + job + " was not stopped: " + e.getMessage(), e);
      }
    }
  }

  /** Writes a finished job's result as Parquet into {@code directory} (new, empty); answers the files written. */
  public List<Path> export(String job, Path directory) throws SQLException {
    Path file = directory.resolve("part-0.parquet");
    try (Connection c = base.duplicate(); Statement s = c.createStatement()) {
      s.execute("COPY " + result(job) + " TO " + DuckDbSandbox.literal(file.toString()) + " (FORMAT PARQUET)");
    }
    return List.of(file);
  }

  /**
   * Makes {@code values} (in order; texts, whole numbers, booleans) the one row of {@code job}'s result, in
   * place of any: what a statement that returns no rows of its own answers (CREATE TABLE AS, DROP TABLE).
   */
  public Result summary(String job, Map<String, Object> values) throws SQLException {
    String columns = values.keySet().stream().map(name -> "? AS " + DuckDbSandbox.identifier(name))
        .collect(Collectors.joining(", "));
    try (Connection c = base.duplicate(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + ExchangeTables.schema(job));
      try (PreparedStatement p = c.prepareStatement("CREATE OR REPLACE TABLE " + result(job) + " AS SELECT " + columns)) {
        int i = 1;
        for (Object value : values.values()) {
          p.setObject(i++, value);
        }
        p.execute();
      }
      return new Result(1, columns(s, job));
    }
  }

  /** Rows {@code offset} .. {@code offset + limit} of a finished job's result, in its order. */
  public List<List<Object>> page(String job, long offset, int limit) throws SQLException {
    try (Connection c = base.duplicate();
        PreparedStatement p = c.prepareStatement("SELECT * FROM " + result(job) + " LIMIT ? OFFSET ?")) {
      p.setInt(1, limit);
      p.setLong(2, offset);
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            row.add(JsonValues.of(rs.getObject(i)));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  /** A finished job's whole result as an Arrow IPC stream, read piece by piece (a schema, then batches). */
  public ArrowResult openArrow(String job) throws SQLException {
    return new ArrowResult(base.duplicate(), "SELECT * FROM " + result(job), allocator);
  }

  /**
   * One reading of a result as Arrow IPC: each {@link #next} is the next piece of the stream, taken from
   * DuckDB batch by batch, so the rows never sit in the Java heap all at once and a slow reader slows the
   * reading down.
   */
  public static final class ArrowResult implements AutoCloseable {
    private final Connection connection;
    private final Statement statement;
    private final ResultSet rows;
    private final ArrowReader reader;
    private final ByteArrayOutputStream piece = new ByteArrayOutputStream();
    private final ArrowStreamWriter writer;
    private boolean started;
    private boolean ended;

    private ArrowResult(Connection connection, String sql, BufferAllocator allocator) throws SQLException {
      this.connection = connection;
      try {
        this.statement = connection.createStatement();
        this.rows = statement.executeQuery(sql);
        this.reader = (ArrowReader) rows.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, STREAM_BATCH_ROWS);
        this.writer = new ArrowStreamWriter(reader.getVectorSchemaRoot(), null, Channels.newChannel(piece));
      } catch (IOException e) {
        connection.close();
        throw new SQLException("the result cannot be read as Arrow: " + e.getMessage(), e);
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }

    /** The next piece of the stream; empty once it has ended. */
    public Optional<byte[]> next() throws IOException {
      piece.reset();
      if (!started) {
        started = true;
        writer.start();
      } else if (!ended && reader.loadNextBatch()) {
        writer.writeBatch();
      } else if (!ended) {
        ended = true;
        writer.end();
      } else {
        return Optional.empty();
      }
      return Optional.of(piece.toByteArray());
    }

    @Override
    public void close() throws Exception {
      try (Connection c = connection; Statement s = statement; ResultSet r = rows; ArrowReader a = reader) {
        writer.close();
      }
    }
  }

  /** Drops everything of {@code job}; nothing when it has nothing here. */
  public void drop(String job) throws SQLException {
    tables.drop(job);
  }

  private static List<Column> columns(Statement s, String job) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT * FROM " + result(job) + " LIMIT 0")) {
      ResultSetMetaData meta = rs.getMetaData();
      List<Column> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(new Column(meta.getColumnName(i), meta.getColumnTypeName(i)));
      }
      return columns;
    }
  }

  private static String result(String job) {
    return ExchangeTables.schema(job) + ".result";
  }

  @Override
  public void close() throws SQLException {
    base.close();
  }

  /** A finished job's result: how many rows, which columns. */
  public record Result(long rows, List<Column> columns) {}
}
