package io.mainstay.sql.execution;

import io.mainstay.actors.Failures;
import io.mainstay.extension.ExecutorContext;
import io.mainstay.extension.ExecutorService;
import io.mainstay.sql.SqlSettings;
import io.mainstay.sql.datasets.DatasetRoots;
import io.mainstay.sql.duckdb.DuckDbSandbox;
import io.mainstay.sql.exchange.ExchangeSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's half of a query: runs scan fragments in its embedded DuckDB (sandboxed to the dataset roots),
 * at most {@code services.executor.slots} at once (the rest wait in order), and streams each one's rows to
 * its coordinator as Arrow. The fragment's relation is a temporary view over exactly its split's files, on a
 * connection of its own, so the fragment SQL cannot see any other file.
 */
public final class FragmentRunner implements ExecutorService<FragmentCommand> {

  private static final Logger log = LoggerFactory.getLogger(FragmentRunner.class);

  /** Rows per Arrow batch: DuckDB's vector size times a few, small enough for gRPC's flow control. */
  static final int BATCH_ROWS = 16 * 1024;

  @Override
  public Class<FragmentCommand> commandType() {
    return FragmentCommand.class;
  }

  @Override
  public Behavior<FragmentCommand> create(ExecutorContext context) {
    return Behaviors.setup(ctx -> {
      SqlSettings settings = SqlSettings.from(context.config());
      Files.createDirectories(settings.spill());
      DuckDBConnection database = DuckDbSandbox.open(DatasetRoots.from(context.config()).roots(), settings.spill(),
          settings.memoryLimit()).unwrap(DuckDBConnection.class);
      BufferAllocator allocator = new RootAllocator();
      ExchangeSender sender = new ExchangeSender(allocator);
      FairSlots slots = new FairSlots(context.slots(), "sql-fragment");
      Map<FragmentCommand.Run, Attempt> running = new ConcurrentHashMap<>();
      log.info("node {}: SQL fragments run here, {} at once, DuckDB memory limit {}", context.node(), context.slots(),
          settings.memoryLimit());
      return Behaviors.receive(FragmentCommand.class)
          .onMessage(FragmentCommand.Run.class, run -> {
            Attempt attempt = new Attempt();
            running.put(run, attempt);
            slots.submit(run.key().job(), () -> {
              try {
                run.replyTo().tell(attempt.run(context.node(), run, database, allocator, sender));
              } finally {
                running.remove(run);
              }
            });
            return Behaviors.same();
          })
          .onMessage(FragmentCommand.Cancel.class, cancel -> {
            running.forEach((run, attempt) -> {
              if (run.key().job().equals(cancel.job())) {
                attempt.cancel();
              }
            });
            return Behaviors.same();
          })
          .onSignal(PostStop.class, stop -> {
            running.values().forEach(Attempt::cancel);
            // canceled, those that never had a slot answer at once instead of leaving their jobs waiting
            slots.shutdown().forEach(Runnable::run);
            sender.close();
            database.close();
            allocator.close();
            return Behaviors.same();
          })
          .build();
    });
  }

  /** One attempt of one fragment split; canceled from the actor, run on a slot's thread. */
  private static final class Attempt {
    private volatile boolean canceled;
    private volatile Statement statement;

    void cancel() {
      canceled = true;
      Statement s = statement;
      if (s != null) {
        try {
          s.cancel();
        } catch (SQLException e) {
          log.debug("cancel of a fragment failed", e);
        }
      }
    }

    FragmentReport run(String node, FragmentCommand.Run run, DuckDBConnection database, BufferAllocator allocator,
        ExchangeSender sender) {
      long started = System.nanoTime();
      if (canceled) {
        return new FragmentReport.Failed(run.key(), node, "canceled");
      }
      try (Connection c = database.duplicate(); Statement s = c.createStatement()) {
        statement = s;
        s.execute("CREATE TEMP VIEW " + DuckDbSandbox.identifier(run.dataset()) + " AS SELECT * FROM " + run.reader());
        for (Map.Entry<String, String> whole : run.broadcast().entrySet()) {
          s.execute("CREATE TEMP VIEW " + DuckDbSandbox.identifier(whole.getKey()) + " AS SELECT * FROM " + whole.getValue());
        }
        long rows = run.writeTo() != null ? write(s, run) : stream(s, run, allocator, sender);
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info("node {} epoch {}: fragment {} of job {} split {} attempt {}: {} rows in {} ms", node, run.epoch(),
            run.key().input(), run.key().job(), run.key().split(), run.key().attempt(), rows, millis);
        return new FragmentReport.Succeeded(run.key(), node, rows, millis);
      } catch (Exception | LinkageError | OutOfMemoryError e) {
        // an Error too (a native library that fails to load): a fragment without an answer would hang its job
        String why = canceled ? "canceled" : firstLine(Failures.unwrap(e));
        log.info("node {} epoch {}: fragment {} of job {} split {} attempt {} failed: {}", node, run.epoch(),
            run.key().input(), run.key().job(), run.key().split(), run.key().attempt(), why);
        return new FragmentReport.Failed(run.key(), node, why);
      } finally {
        statement = null;
      }
    }

    private long stream(Statement s, FragmentCommand.Run run, BufferAllocator allocator, ExchangeSender sender)
        throws Exception {
      try (ResultSet rs = s.executeQuery(run.sql());
          ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, BATCH_ROWS)) {
        return sender.send(run.to(), run.key(), reader, () -> canceled);
      }
    }

    /**
     * Writes a hidden file of this attempt, then renames it into place: a reader of the directory never sees a
     * partial file, and two attempts of one split write the same rows, so the last rename is as good as the first.
     */
    private static long write(Statement s, FragmentCommand.Run run) throws SQLException, IOException {
      Path file = Path.of(run.writeTo());
      Path partial = file.resolveSibling("." + file.getFileName() + "." + run.key().attempt() + ".partial");
      long rows = s.executeLargeUpdate("COPY (" + run.sql() + ") TO " + DuckDbSandbox.literal(partial.toString())
          + " (FORMAT PARQUET)");
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return rows;
    }

    private static String firstLine(Throwable t) {
      String message = String.valueOf(t.getMessage());
      int newline = message.indexOf('\n');
      return newline < 0 ? message : message.substring(0, newline);
    }
  }
}
