package io.mainstay.sql.execution;

import io.mainstay.actors.Failures;
import io.mainstay.extension.ExecutorContext;
import io.mainstay.extension.ExecutorService;
import io.mainstay.sql.SqlSettings;
import io.mainstay.sql.datasets.DatasetRoots;
import io.mainstay.sql.duckdb.DuckDbSandbox;
import io.mainstay.sql.exchange.ExchangeAddress;
import io.mainstay.sql.exchange.ExchangeKey;
import io.mainstay.sql.exchange.ExchangeSender;
import io.mainstay.sql.exchange.ExchangeServer;
import io.mainstay.sql.exchange.ExchangeTables;
import io.mainstay.sql.planning.ScanFragment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.pekko.actor.typed.ActorRef;
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
 * connection of its own, so the fragment SQL cannot see any other file. A side of a partitioned join sends each
 * partition's rows to the executor that runs it instead; an executor that opened a job for its join partitions
 * takes those rows on its own Flight endpoint, keeps them in its DuckDB, and runs each partition over them.
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
      // the rows of the join partitions run here, advertised under the node's host
      ExchangeServer exchange = new ExchangeServer(allocator, "0.0.0.0", context.config().getString("node.host"),
          settings.executorExchangePort());
      ExchangeTables tables = new ExchangeTables(database, allocator);
      // the jobs whose partitioned rows this executor takes, and each one's run on its coordinator
      Map<String, ActorRef<?>> opened = new HashMap<>();
      String node = context.node();
      Attempts attempts = new Attempts(node, database, new FairSlots(context.slots(), "sql-fragment"));
      log.info("node {}: SQL fragments run here, {} at once, DuckDB memory limit {}; join partitions' rows arrive at"
          + " {}:{}", node, context.slots(), settings.memoryLimit(), exchange.address().host(), exchange.address().port());
      return Behaviors.receive(FragmentCommand.class)
          .onMessage(FragmentCommand.Run.class, run -> {
            attempts.submit(run, run.key(), run.epoch(), run.replyTo(), (s, attempt) -> {
              s.execute("CREATE TEMP VIEW " + DuckDbSandbox.identifier(run.dataset()) + " AS SELECT * FROM "
                  + run.reader());
              for (Map.Entry<String, String> whole : run.broadcast().entrySet()) {
                s.execute("CREATE TEMP VIEW " + DuckDbSandbox.identifier(whole.getKey()) + " AS SELECT * FROM "
                    + whole.getValue());
              }
              if (run.writeTo() != null) {
                return write(s, run);
              }
              return run.partitionBy() != null ? partition(s, run, attempt, allocator, sender)
                  : stream(s, run.sql(), run.to(), run.key(), attempt, allocator, sender);
            });
            return Behaviors.same();
          })
          .onMessage(FragmentCommand.Open.class, open -> {
            if (!opened.containsKey(open.job())) {
              try {
                exchange.open(open.job(), tables.open(open.job()));
              } catch (SQLException e) {
                log.warn("node {} epoch {}: job {} cannot take join partitions here: {}", node, open.epoch(),
                    open.job(), e.getMessage());
                open.replyTo().tell(new FragmentReport.Opened(open.job(), node, null, e.getMessage()));
                return Behaviors.same();
              }
              opened.put(open.job(), open.run());
              // a coordinator that dies mid-query sends no Cancel: its run's end, seen by death watch, drops the rows
              ctx.watchWith(open.run(), new FragmentCommand.RunEnded(open.job()));
            }
            open.replyTo().tell(new FragmentReport.Opened(open.job(), node, exchange.address(), null));
            return Behaviors.same();
          })
          .onMessage(FragmentCommand.Join.class, join -> {
            attempts.submit(join, join.key(), join.epoch(), join.replyTo(), (s, attempt) -> {
              ExchangeTables.viewInputs(s, join.inputs());
              return stream(s, join.sql(), join.to(), join.key(), attempt, allocator, sender);
            });
            return Behaviors.same();
          })
          .onMessage(FragmentCommand.Cancel.class, cancel -> {
            attempts.cancel(cancel.job());
            ActorRef<?> run = opened.remove(cancel.job());
            if (run != null) {
              ctx.unwatch(run);
              drop(node, cancel.job(), exchange, tables);
            }
            return Behaviors.same();
          })
          .onMessage(FragmentCommand.RunEnded.class, ended -> {
            attempts.cancel(ended.job());
            if (opened.remove(ended.job()) != null) {
              log.info("node {}: job {} ended on its coordinator without a cancel here (its node left?): its join"
                  + " partitions' rows are dropped", node, ended.job());
              drop(node, ended.job(), exchange, tables);
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, stop -> {
            attempts.stop();
            exchange.close();
            sender.close();
            database.close();
            allocator.close();
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Forgets the rows {@code job}'s partitioned joins were sent here. */
  private static void drop(String node, String job, ExchangeServer exchange, ExchangeTables tables) {
    exchange.close(job);
    try {
      tables.drop(job);
    } catch (SQLException e) {
      log.warn("node {}: the join partitions' rows of job {} were not dropped: {}", node, job, e.getMessage());
    }
  }

  /** What one attempt does on its connection; answers the rows it sent or wrote. */
  private interface Body {
    long run(Statement s, Attempt attempt) throws Exception;
  }

  /** The attempts running or waiting for a slot here, each answering its report when it ends. */
  private static final class Attempts {
    private final String node;
    private final DuckDBConnection database;
    private final FairSlots slots;
    private final Map<FragmentCommand, Attempt> running = new ConcurrentHashMap<>();

    Attempts(String node, DuckDBConnection database, FairSlots slots) {
      this.node = node;
      this.database = database;
      this.slots = slots;
    }

    void submit(FragmentCommand command, ExchangeKey key, long epoch, ActorRef<FragmentReport> replyTo, Body body) {
      Attempt attempt = new Attempt(node, key, epoch);
      running.put(command, attempt);
      slots.submit(key.job(), () -> {
        try {
          replyTo.tell(attempt.run(database, body));
        } finally {
          running.remove(command);
        }
      });
    }

    void cancel(String job) {
      running.values().forEach(attempt -> {
        if (attempt.key.job().equals(job)) {
          attempt.cancel();
        }
      });
    }

    void stop() {
      running.values().forEach(Attempt::cancel);
      // canceled, those that never had a slot answer at once instead of leaving their jobs waiting
      slots.shutdown().forEach(Runnable::run);
    }
  }

  private static long stream(Statement s, String sql, ExchangeAddress to, ExchangeKey key, Attempt attempt,
      BufferAllocator allocator, ExchangeSender sender) throws Exception {
    try (ResultSet rs = s.executeQuery(sql);
        ArrowReader reader = (ArrowReader) rs.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, BATCH_ROWS)) {
      try {
        return sender.send(to, key, reader, attempt::canceled);
      } catch (InterruptedException canceled) {
        throw canceled;
      } catch (Exception e) {
        throw new SendFailed(to, e);
      }
    }
  }

  /**
   * A side of a partitioned join: the split's rows, held once in a temporary table, go partition by partition
   * to the executors running the partitions, every partition a stream (an empty one too: the partition then
   * knows the split sent it nothing).
   */
  private static long partition(Statement s, FragmentCommand.Run run, Attempt attempt, BufferAllocator allocator,
      ExchangeSender sender) throws Exception {
    String rows = DuckDbSandbox.identifier("partitioned");
    s.execute("CREATE TEMP TABLE " + rows + " AS " + run.sql());
    long sent = 0;
    int partitions = run.partitions().size();
    for (int p = 0; p < partitions; p++) {
      sent += stream(s, ScanFragment.partitionSql(run.partitionBy(), rows, p, partitions), run.partitions().get(p),
          run.key().bucket(p), attempt, allocator, sender);
    }
    return sent;
  }

  /**
   * Sending rows to {@code to} failed (not DuckDB): when {@code to} is another executor, which may just have
   * died, the coordinator decides whether it was lost.
   */
  private static final class SendFailed extends Exception {
    final ExchangeAddress to;

    SendFailed(ExchangeAddress to, Exception cause) {
      super(cause.getMessage(), cause);
      this.to = to;
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

  /** One attempt of one fragment split or join partition; canceled from the actor, run on a slot's thread. */
  private static final class Attempt {
    private final String node;
    private final ExchangeKey key;
    private final long epoch;
    private volatile boolean canceled;
    private volatile Statement statement;

    Attempt(String node, ExchangeKey key, long epoch) {
      this.node = node;
      this.key = key;
      this.epoch = epoch;
    }

    boolean canceled() {
      return canceled;
    }

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

    FragmentReport run(DuckDBConnection database, Body body) {
      long started = System.nanoTime();
      if (canceled) {
        return new FragmentReport.Failed(key, node, "canceled", null);
      }
      try (Connection c = database.duplicate(); Statement s = c.createStatement()) {
        statement = s;
        long rows = body.run(s, this);
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info("node {} epoch {}: fragment {} of job {} split {} attempt {}: {} rows in {} ms", node, epoch,
            key.input(), key.job(), key.split(), key.attempt(), rows, millis);
        return new FragmentReport.Succeeded(key, node, rows, millis);
      } catch (Exception | LinkageError | OutOfMemoryError e) {
        // an Error too (a native library that fails to load): a fragment without an answer would hang its job
        String why = canceled ? "canceled" : firstLine(Failures.unwrap(e));
        ExchangeAddress sendingTo = e instanceof SendFailed f ? f.to : null;
        log.info("node {} epoch {}: fragment {} of job {} split {} attempt {} failed{}: {}", node, epoch,
            key.input(), key.job(), key.split(), key.attempt(), sendingTo == null ? "" : " sending to " + sendingTo, why);
        return new FragmentReport.Failed(key, node, why, sendingTo);
      } finally {
        statement = null;
      }
    }

    private static String firstLine(Throwable t) {
      String message = String.valueOf(t.getMessage());
      int newline = message.indexOf('\n');
      return newline < 0 ? message : message.substring(0, newline);
    }
  }
}
