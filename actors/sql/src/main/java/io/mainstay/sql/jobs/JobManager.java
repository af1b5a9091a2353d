package io.mainstay.sql.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.actors.Failures;
import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.MainContext;
import io.mainstay.sql.SqlMain;
import io.mainstay.sql.SqlSettings;
import io.mainstay.sql.datasets.Dataset;
import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.exchange.ExchangeServer;
import io.mainstay.sql.planning.Column;
import io.mainstay.sql.planning.DatasetSchema;
import io.mainstay.sql.planning.PlannedStatement;
import io.mainstay.sql.planning.SqlPlanner;
import io.mainstay.sql.planning.SqlRejected;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries of this coordinator: plans each statement against the stored datasets (a refusal is answered
 * at once), records the job in the store before answering its id, runs it as a {@link QueryRun}, records how
 * it ended, keeps its rows for {@code sql.jobs.results-retention}, and keeps at most {@code sql.jobs.kept}
 * jobs in the store. At start it fails the jobs an earlier main left unfinished: their coordinator is gone.
 */
public final class JobManager {

  private static final Logger log = LoggerFactory.getLogger(JobManager.class);

  /** The store table of the jobs, keyed by id (time-ordered). */
  static final String TABLE = "jobs";

  /** The most rows one results page holds. */
  public static final int MAX_PAGE = 500;

  static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  public interface Command extends SqlMain.Command {}

  public record Submit(String sql, ActorRef<JobReply> replyTo) implements Command {}

  public record Get(String id, ActorRef<JobReply> replyTo) implements Command {}

  public record ListJobs(int limit, ActorRef<JobReply> replyTo) implements Command {}

  public record Results(String id, long offset, int limit, ActorRef<JobReply> replyTo) implements Command {}

  public record Cancel(String id, ActorRef<JobReply> replyTo) implements Command {}

  public record ExecutorsChanged(ExecutorChange change) implements Command {}

  /** A query's current state; {@code record}: write it to the store too. */
  record Updated(Job job, boolean record) implements Command {}

  record Ended(Job job) implements Command {}

  private record Planned(Submit submit, Job job, PlannedStatement statement, Map<String, Dataset> datasets, Throwable failure)
      implements Command {}

  private record Recorded(Submit submit, Job job, PlannedStatement.Query query, Map<String, Dataset> datasets,
      Throwable failure) implements Command {}

  private record Expire(String id) implements Command {}

  public static Behavior<Command> create(MainContext<?> main) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new JobManager(ctx, timers, main).behavior()));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final MainContext<?> main;
  private final ExtensionStore store;
  private final SqlSettings settings;
  private final Executor blocking;
  private final SqlPlanner planner = new SqlPlanner();
  private final BufferAllocator allocator = new RootAllocator();
  private final JobDatabase database;
  private final ExchangeServer exchange;
  private final Map<String, ActorRef<QueryRun.Command>> runs = new HashMap<>();
  private final Map<String, Job> live = new HashMap<>();
  /** Completed jobs whose rows this coordinator still keeps, as they ended (row count and schema for pages). */
  private final Map<String, Job> kept = new HashMap<>();

  private JobManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, MainContext<?> main) throws Exception {
    this.ctx = ctx;
    this.timers = timers;
    this.main = main;
    this.store = main.store();
    this.settings = SqlSettings.from(main.config());
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    Files.createDirectories(settings.spill());
    this.database = new JobDatabase(settings.spill(), settings.memoryLimit(), allocator);
    this.exchange = new ExchangeServer(allocator, "0.0.0.0", main.config().getString("node.host"), settings.exchangePort());
    log.info("node {} epoch {}: SQL jobs planned and finished here; fragment results arrive at {}:{}", main.node(),
        main.epoch(), exchange.address().host(), exchange.address().port());
    failOrphans();
  }

  /** The jobs an earlier main was running when it went: nobody will finish them. */
  private void failOrphans() {
    store.list(TABLE).thenCompose(entries -> {
      List<CompletionStage<Long>> writes = new ArrayList<>();
      for (ExtensionStore.Entry entry : entries) {
        Job job = read(entry.value());
        if (!job.state().finished() && job.epoch() < main.epoch()) {
          writes.add(store.put(TABLE, job.id(), write(job.ended(Job.State.FAILED, "coordinator lost: the main "
              + job.coordinator() + " of epoch " + job.epoch() + " was replaced by " + main.node() + " at epoch "
              + main.epoch()))));
        }
      }
      if (!writes.isEmpty()) {
        log.info("node {} epoch {}: {} jobs of earlier mains marked FAILED (coordinator lost)", main.node(),
            main.epoch(), writes.size());
      }
      return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new));
    }).whenComplete((ok, failure) -> {
      if (failure != null) {
        log.warn("node {} epoch {}: the unfinished jobs of earlier mains were not all marked FAILED: {}", main.node(),
            main.epoch(), Failures.unwrap(failure).toString());
      }
    });
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Submit.class, this::submit)
        .onMessage(Planned.class, this::planned)
        .onMessage(Recorded.class, this::recorded)
        .onMessage(Updated.class, u -> {
          live.put(u.job().id(), u.job());
          if (u.record()) {
            store.put(TABLE, u.job().id(), write(u.job()));
          }
          return Behaviors.same();
        })
        .onMessage(Ended.class, this::ended)
        .onMessage(Get.class, g -> {
          Job current = live.get(g.id());
          if (current != null) {
            g.replyTo().tell(new JobReply.Found(current));
          } else {
            answer(g.replyTo(), stored(g.id()).thenApply(job -> job
                .<JobReply>map(JobReply.Found::new).orElse(notFound(g.id()))));
          }
          return Behaviors.same();
        })
        .onMessage(ListJobs.class, this::list)
        .onMessage(Results.class, this::results)
        .onMessage(Cancel.class, this::cancel)
        .onMessage(ExecutorsChanged.class, c -> {
          QueryRun.Command told = c.change() instanceof ExecutorChange.Lost lost
              ? new QueryRun.ExecutorLost(lost.node(), lost.why())
              : new QueryRun.ExecutorJoined(((ExecutorChange.Joined) c.change()).executor());
          runs.values().forEach(run -> run.tell(told));
          return Behaviors.same();
        })
        .onMessage(Expire.class, e -> {
          kept.remove(e.id());
          dropRows(e.id());
          return Behaviors.same();
        })
        .onSignal(PostStop.class, stop -> {
          exchange.close();
          database.close();
          allocator.close();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> submit(Submit submit) {
    Job job = new Job(JobIds.next(), submit.sql(), Job.State.PLANNING, main.node(), main.epoch(), Instant.now(), null,
        null, null, null, null, null);
    ctx.pipeToSelf(store.list(DatasetCatalog.TABLE).thenApplyAsync(entries -> {
      Map<String, Dataset> datasets = new HashMap<>();
      entries.forEach(e -> datasets.put(e.key(), DatasetCatalog.read(e.value())));
      PlannedStatement statement = planner.planStatement(submit.sql(), name -> Optional.ofNullable(datasets.get(name))
          .map(d -> new DatasetSchema(d.name(), d.columns().stream().map(c -> new Column(c.name(), c.type())).toList(),
              d.files().stream().mapToLong(Dataset.DataFile::size).sum())));
      return new Planned(submit, job, statement, datasets, null);
    }, blocking), (planned, failure) -> failure == null ? planned : new Planned(submit, job, null, null, failure));
    return Behaviors.same();
  }

  private Behavior<Command> planned(Planned planned) {
    ActorRef<JobReply> replyTo = planned.submit().replyTo();
    if (planned.failure() != null) {
      Throwable cause = Failures.unwrap(planned.failure());
      replyTo.tell(cause instanceof SqlRejected rejected
          ? new JobReply.Rejected(rejected.kind(), rejected.getMessage())
          : new JobReply.Unavailable(String.valueOf(cause.getMessage())));
      return Behaviors.same();
    }
    if (!(planned.statement() instanceof PlannedStatement.Query query)) {
      replyTo.tell(new JobReply.Rejected(SqlRejected.Kind.FORBIDDEN,
          "CREATE TABLE AS and DROP TABLE are not supported yet: only queries run"));
      return Behaviors.same();
    }
    Job enqueued = planned.job().running(Job.State.ENQUEUED, null, List.of());
    ctx.pipeToSelf(store.put(TABLE, enqueued.id(), write(enqueued)),
        (version, failure) -> new Recorded(planned.submit(), enqueued, query, planned.datasets(), failure));
    return Behaviors.same();
  }

  private Behavior<Command> recorded(Recorded recorded) {
    if (recorded.failure() != null) {
      recorded.submit().replyTo().tell(new JobReply.Unavailable(Failures.unwrap(recorded.failure()).getMessage()));
      return Behaviors.same();
    }
    Job job = recorded.job();
    log.info("node {} epoch {}: job {} started: {}", main.node(), main.epoch(), job.id(), oneLine(job.sql()));
    ActorRef<QueryRun.Command> run = ctx.spawn(QueryRun.create(job, recorded.query().plan(), recorded.datasets(),
        new QueryRun.Setting(main, database, exchange, settings.executorWait(), blocking, ctx.getSelf())), "job-" + job.id());
    runs.put(job.id(), run);
    live.put(job.id(), job);
    recorded.submit().replyTo().tell(new JobReply.Accepted(job.id()));
    pruneStored();
    return Behaviors.same();
  }

  private Behavior<Command> ended(Ended ended) {
    Job job = ended.job();
    runs.remove(job.id());
    live.remove(job.id());
    long millis = job.started() == null ? 0 : Duration.between(job.started(), job.ended()).toMillis();
    log.info("node {} epoch {}: job {} {} in {} ms{}", main.node(), main.epoch(), job.id(), job.state(), millis,
        job.state() == Job.State.COMPLETED ? ", " + job.rowCount() + " rows" : ": " + job.errorMessage());
    if (job.state() == Job.State.COMPLETED) {
      kept.put(job.id(), job);
      timers.startSingleTimer(new Expire(job.id()), settings.resultsRetention());
    } else {
      dropRows(job.id());
    }
    store.put(TABLE, job.id(), write(job)).whenComplete((v, failure) -> {
      if (failure != null) {
        log.warn("node {} epoch {}: how job {} ended was not recorded: {}", main.node(), main.epoch(), job.id(),
            Failures.unwrap(failure).toString());
      }
    });
    return Behaviors.same();
  }

  private Behavior<Command> list(ListJobs l) {
    answer(l.replyTo(), store.list(TABLE).thenApply(entries -> {
      List<Job> jobs = new ArrayList<>();
      for (int i = entries.size() - 1; i >= 0 && jobs.size() < l.limit(); i--) {
        Job stored = read(entries.get(i).value());
        jobs.add(live.getOrDefault(stored.id(), stored));
      }
      return new JobReply.Listing(jobs);
    }));
    return Behaviors.same();
  }

  private Behavior<Command> results(Results r) {
    Job done = kept.get(r.id());
    if (done != null) {
      answer(r.replyTo(), CompletableFuture.supplyAsync(() -> {
        try {
          return new JobReply.Page(done.rowCount(), done.schema(), database.page(r.id(), r.offset(), r.limit()));
        } catch (Exception e) {
          throw new IllegalStateException("the rows of job " + r.id() + " cannot be read: " + e.getMessage(), e);
        }
      }, blocking));
      return Behaviors.same();
    }
    Job current = live.get(r.id());
    if (current != null) {
      r.replyTo().tell(new JobReply.Conflict("job " + r.id() + " is " + current.state() + ": its results are not ready"));
      return Behaviors.same();
    }
    answer(r.replyTo(), stored(r.id()).thenApply(found -> found.<JobReply>map(job -> new JobReply.Conflict(
        job.state() != Job.State.COMPLETED
            ? "job " + job.id() + " is " + job.state() + ": it has no results"
            : job.coordinator().equals(main.node()) && job.epoch() == main.epoch()
                ? "the results of job " + job.id() + " are gone: expired (sql.jobs.results-retention) or lost when the SQL service restarted"
                : "the results of job " + job.id() + " were kept by " + job.coordinator() + " at epoch " + job.epoch()
                    + " and are no longer available"))
        .orElse(notFound(r.id()))));
    return Behaviors.same();
  }

  private Behavior<Command> cancel(Cancel c) {
    ActorRef<QueryRun.Command> run = runs.get(c.id());
    if (run != null) {
      run.tell(new QueryRun.Cancel());
      c.replyTo().tell(new JobReply.Found(live.get(c.id())));
      return Behaviors.same();
    }
    answer(c.replyTo(), stored(c.id()).thenApply(found -> found
        .<JobReply>map(job -> new JobReply.Conflict("job " + job.id() + " already ended: " + job.state()))
        .orElse(notFound(c.id()))));
    return Behaviors.same();
  }

  /** Beyond {@code sql.jobs.kept}, the oldest finished jobs leave the store. */
  private void pruneStored() {
    store.versions(TABLE).thenAccept(versions -> {
      int excess = versions.size() - settings.jobsKept();
      for (int i = 0; i < versions.size() && excess > 0; i++) {
        String id = versions.get(i).key();
        if (!runs.containsKey(id)) {
          store.delete(TABLE, id);
          excess--;
        }
      }
    });
  }

  private void dropRows(String id) {
    CompletableFuture.runAsync(() -> {
      try {
        database.drop(id);
      } catch (Exception e) {
        log.warn("node {} epoch {}: the rows of job {} were not dropped: {}", main.node(), main.epoch(), id, e.toString());
      }
    }, blocking);
  }

  private CompletionStage<Optional<Job>> stored(String id) {
    return store.get(TABLE, id).thenApply(entry -> entry.map(e -> read(e.value())));
  }

  private static JobReply notFound(String id) {
    return new JobReply.NotFound("no job with id '" + id + "'");
  }

  private static void answer(ActorRef<JobReply> replyTo, CompletionStage<? extends JobReply> reply) {
    reply.whenComplete((value, failure) -> replyTo.tell(failure == null
        ? value
        : new JobReply.Unavailable(String.valueOf(Failures.unwrap(failure).getMessage()))));
  }

  private static String oneLine(String sql) {
    String line = sql.replaceAll("\\s+", " ").trim();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  static byte[] write(Job job) {
    try {
      return JSON.writeValueAsBytes(job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Job read(byte[] stored) {
    try {
      return JSON.readValue(stored, Job.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored job is not readable: " + e.getMessage(), e);
    }
  }
}
