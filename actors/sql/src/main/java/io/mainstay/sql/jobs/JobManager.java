package io.mainstay.sql.jobs;

import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.Failures;
import io.mainstay.actors.catalog.CatalogExtension;
import io.mainstay.extension.CoordinatorContext;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.extension.MainChange;
import io.mainstay.sql.SqlMain;
import io.mainstay.sql.SqlSettings;
import io.mainstay.sql.datasets.Dataset;
import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.datasets.DatasetReply;
import io.mainstay.sql.exchange.ExchangeServer;
import io.mainstay.sql.execution.FragmentCommand;
import io.mainstay.sql.planning.Column;
import io.mainstay.sql.planning.DatasetSchema;
import io.mainstay.sql.planning.PlanCache;
import io.mainstay.sql.planning.PlannedStatement;
import io.mainstay.sql.planning.QueryPlan;
import io.mainstay.sql.planning.SqlPlanner;
import io.mainstay.sql.planning.SqlRejected;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries of one coordinator (the main, or a secondary coordinator), SQL's coordinator service. It
 * follows the main (whose {@link CoordinatorHub} tells it the executors and sends its fragment commands on),
 * plans each statement against the main's datasets (a refusal is answered at once), records the job in the
 * main's {@link JobLedger} and answers its id once recorded, runs it as a {@link QueryRun} (a query while it is
 * recorded, a table statement after), records how it ended, and keeps its rows for
 * {@code sql.jobs.results-retention}. A standby plans nothing: it answers with the main's URL, as the guide's
 * standbys stay passive.
 */
public final class JobManager {

  private static final Logger log = LoggerFactory.getLogger(JobManager.class);

  /** The most rows one results page holds. */
  public static final int MAX_PAGE = 500;

  /** How long one ask of the main may take: a group commit, or a listing of the jobs. */
  private static final Duration MAIN_TIMEOUT = Duration.ofSeconds(30);

  /** The first wait before following the main again; doubled up to {@link #FOLLOW_RETRY_MAX}. */
  private static final Duration FOLLOW_RETRY = Duration.ofMillis(100);

  private static final Duration FOLLOW_RETRY_MAX = Duration.ofSeconds(2);

  /** At most this many statements wait for the main to be followed; more are refused at once. */
  private static final int MAX_WAITING = 1000;

  public interface Command {}

  public record Submit(String sql, ActorRef<JobReply> replyTo) implements Command {}

  /**
   * A job as it is; with {@code waitUpTo} above zero, a job running here is answered once it ended or the
   * wait is over, whichever comes first, so that a client need not poll.
   */
  public record Get(String id, Duration waitUpTo, ActorRef<JobReply> replyTo) implements Command {}

  public record ListJobs(int limit, ActorRef<JobReply> replyTo) implements Command {}

  public record Results(String id, long offset, int limit, ActorRef<JobReply> replyTo) implements Command {}

  /** The whole result, streamed as Arrow IPC. */
  public record StreamResults(String id, ActorRef<JobReply> replyTo) implements Command {}

  /** Cancel a job: from this node's routes, or from another coordinator's through the main. */
  public record Cancel(String id, ActorRef<JobReply> replyTo) implements Command, CborSerializable {}

  public record MainChanged(MainChange change) implements Command {}

  /** From the main's hub: an executor registered with the main this coordinator follows. */
  public record ExecutorJoined(ExecutorSlots executor) implements Command, CborSerializable {}

  /** From the main's hub: is this coordinator still there? */
  public record Alive(ActorRef<Here> replyTo) implements Command, CborSerializable {}

  public record Here(String node) implements CborSerializable {}

  /** From the main's hub after every change: the registry as it is now. */
  public record ExecutorsNow(List<ExecutorSlots> executors) implements Command, CborSerializable {}

  /** From the main's hub: an executor left its registry. */
  public record ExecutorLost(String node, String why) implements Command, CborSerializable {}

  /** From a query, or a table statement: ask the main's dataset catalog. */
  record AskCatalog(Function<ActorRef<DatasetReply>, SqlMain.Command> message, ActorRef<DatasetReply> replyTo)
      implements Command {}

  /** From a query: send {@code command} to {@code executor} through the main. */
  record Relay(String executor, FragmentCommand command) implements Command {}

  /** A query's current state; {@code record}: write it to the ledger too. */
  record Updated(Job job, boolean record) implements Command {}

  record Ended(Job job) implements Command {}

  private record Followed(long attempt, CoordinatorHub.Following following, Throwable failure) implements Command {}

  private record FollowAgain(long attempt) implements Command {}

  private record MainGone(ActorRef<SqlMain.Command> main) implements Command {}

  private record RunStopped(String id, String why) implements Command {}

  private record Planned(Submit submit, Job job, PlannedStatement statement, Map<String, Dataset> datasets, Throwable failure)
      implements Command {}

  private record Recorded(Submit submit, Job job, PlannedStatement statement, Map<String, Dataset> datasets,
      Throwable failure) implements Command {}

  private record Dropped(Job job, JobDatabase.Result summary, Throwable failure) implements Command {}

  private record EndRecorded(Job job, Throwable failure) implements Command {}

  private record RecordEndAgain(String id) implements Command {}

  private record Expire(String id) implements Command {}

  private record WaitOver(String id, ActorRef<JobReply> replyTo) implements Command {}

  public static Behavior<Command> create(CoordinatorContext context) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new JobManager(ctx, timers, context).behavior()));
  }

  /** Where this coordinator's queries meet: one DuckDB for final stages and results, one Flight server. */
  private record Engine(JobDatabase database, ExchangeServer exchange) {}

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final CoordinatorContext context;
  private final String node;
  private final boolean mainCandidate;
  private final SqlSettings settings;
  private final Executor blocking;
  private final PlanCache plans;
  private final BufferAllocator allocator = new RootAllocator();
  private final CatalogAsk catalog;
  private Engine engine;
  private MainChange main;
  /** The main service this coordinator follows, and its epoch; empty until it answered. */
  private Optional<ActorRef<SqlMain.Command>> following = Optional.empty();
  private long epoch;
  private long followAttempt;
  private final Map<String, Integer> executors = new LinkedHashMap<>();
  private final Map<String, ActorRef<QueryRun.Command>> runs = new HashMap<>();
  private final Map<ActorRef<?>, String> runIds = new HashMap<>();
  private final Map<String, Job> live = new HashMap<>();
  /** Statements that came before this coordinator followed the main: planned once it does. */
  private final List<Submit> waiting = new ArrayList<>();
  /** Ended jobs the ledger has not taken yet (the main was away): sent again until it does. */
  private final Map<String, Job> unrecorded = new HashMap<>();
  /** Who waits for a running job to end (a {@link Get} with a wait). */
  private final Map<String, List<ActorRef<JobReply>>> awaiting = new HashMap<>();
  /** Completed jobs whose rows this coordinator still keeps, as they ended (row count and schema for pages). */
  private final Map<String, Job> kept = new HashMap<>();

  private JobManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, CoordinatorContext context) {
    this.ctx = ctx;
    this.timers = timers;
    this.context = context;
    this.node = context.node();
    this.mainCandidate = context.config().getBoolean("services.coordinator.master.enabled");
    this.settings = SqlSettings.from(context.config());
    this.plans = new PlanCache(new SqlPlanner(settings.broadcastBytes(), settings.partitionedJoins()));
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.main = context.main();
    this.catalog = message -> AskPattern.ask(ctx.getSelf(), replyTo -> new AskCatalog(message, replyTo), MAIN_TIMEOUT,
        ctx.getSystem().scheduler());
    follow();
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(MainChanged.class, c -> {
          main = c.change();
          if (!(main instanceof MainChange.Serving s && s.epoch() == epoch)) {
            unfollow(describe(main));
          }
          follow();
          return Behaviors.same();
        })
        .onMessage(FollowAgain.class, f -> {
          if (f.attempt() == followAttempt) {
            follow();
          }
          return Behaviors.same();
        })
        .onMessage(Followed.class, this::followed)
        .onMessage(MainGone.class, g -> {
          if (following.equals(Optional.of(g.main()))) {
            unfollow("the main's SQL service stopped");
            follow();
          }
          return Behaviors.same();
        })
        .onMessage(ExecutorJoined.class, j -> {
          executors.put(j.executor().node(), j.executor().slots());
          runs.values().forEach(run -> run.tell(new QueryRun.ExecutorJoined(j.executor())));
          return Behaviors.same();
        })
        .onMessage(Alive.class, a -> {
          a.replyTo().tell(new Here(node));
          return Behaviors.same();
        })
        .onMessage(ExecutorsNow.class, n -> {
          Map<String, Integer> before = new LinkedHashMap<>(executors);
          executors.clear();
          n.executors().forEach(e -> {
            executors.put(e.node(), e.slots());
            if (!before.containsKey(e.node())) {
              runs.values().forEach(run -> run.tell(new QueryRun.ExecutorJoined(e)));
            }
          });
          return Behaviors.same();
        })
        .onMessage(ExecutorLost.class, l -> {
          executors.remove(l.node());
          runs.values().forEach(run -> run.tell(new QueryRun.ExecutorLost(l.node(), l.why())));
          return Behaviors.same();
        })
        .onMessage(AskCatalog.class, a -> {
          Answers.tell(a.replyTo(), askFollowed(a.message()), DatasetReply.Unavailable::new);
          return Behaviors.same();
        })
        .onMessage(Dropped.class, d -> ended(new Ended(d.failure() != null
            ? d.job().ended(Job.State.FAILED, Failures.unwrap(d.failure()).getMessage())
            : d.job().completed(d.summary().rows(), d.summary().columns()))))
        .onMessage(Relay.class, r -> {
          following.ifPresentOrElse(m -> m.tell(new CoordinatorHub.Relay(r.executor(), r.command())),
              () -> log.warn("node {} epoch {}: no main followed; a fragment command for {} is dropped", node, epoch,
                  r.executor()));
          return Behaviors.same();
        })
        .onMessage(Submit.class, this::submit)
        .onMessage(Planned.class, this::planned)
        .onMessage(Recorded.class, this::recorded)
        .onMessage(Updated.class, u -> {
          live.put(u.job().id(), u.job());
          if (u.record()) {
            record(u.job()).whenComplete((r, failure) -> {
              if (failure != null) {
                log.warn("node {} epoch {}: job {} is {} but the ledger did not take it: {}", node, epoch, u.job().id(),
                    u.job().state(), Failures.unwrap(failure).toString());
              }
            });
          }
          return Behaviors.same();
        })
        .onMessage(Ended.class, this::ended)
        .onMessage(RunStopped.class, this::runStopped)
        .onMessage(EndRecorded.class, this::endRecorded)
        .onMessage(RecordEndAgain.class, again -> {
          Job job = unrecorded.get(again.id());
          if (job != null) {
            recordEnd(job);
          }
          return Behaviors.same();
        })
        .onMessage(Get.class, this::get)
        .onMessage(WaitOver.class, w -> {
          List<ActorRef<JobReply>> waiters = awaiting.getOrDefault(w.id(), new ArrayList<>());
          if (waiters.remove(w.replyTo())) {
            local(w.id()).ifPresent(job -> w.replyTo().tell(new JobReply.Found(job)));
          }
          if (waiters.isEmpty()) {
            awaiting.remove(w.id());
          }
          return Behaviors.same();
        })
        .onMessage(ListJobs.class, this::list)
        .onMessage(Results.class, r -> results(r.id(), r.replyTo(), done -> {
          JobDatabase database = engine().database();
          return CompletableFuture.supplyAsync(() -> {
            try {
              return new JobReply.Page(done.rowCount(), done.schema(), database.page(r.id(), r.offset(), r.limit()));
            } catch (Exception e) {
              throw new IllegalStateException("the rows of job " + r.id() + " cannot be read: " + e.getMessage(), e);
            }
          }, blocking);
        }))
        .onMessage(StreamResults.class, r -> results(r.id(), r.replyTo(), done -> {
          JobDatabase database = engine().database();
          // read on the stream's blocking dispatcher, one Arrow batch per element, as the client takes them
          Source<ByteString, NotUsed> arrow = Source.unfoldResource(() -> database.openArrow(r.id()),
              result -> result.next().map(ByteString::fromArrayUnsafe), JobDatabase.ArrowResult::close);
          return CompletableFuture.completedFuture(new JobReply.Rows(done, arrow));
        }))
        .onMessage(Cancel.class, this::cancel)
        .onMessage(Expire.class, e -> {
          kept.remove(e.id());
          dropRows(e.id());
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> {
          // Terminated overtakes the run's last messages: look again once those are handled
          String id = runIds.remove(t.getRef());
          if (id != null) {
            ctx.getSelf().tell(new RunStopped(id, t instanceof ChildFailed failed
                ? String.valueOf(failed.getCause()) : "it stopped"));
          }
          return Behaviors.same();
        })
        .onSignal(PostStop.class, stop -> {
          if (engine != null) {
            engine.exchange().close();
            engine.database().close();
          }
          allocator.close();
          return Behaviors.same();
        })
        .build();
  }

  // ---- following the main

  private void follow() {
    if (!(main instanceof MainChange.Serving serving) || following.isPresent()) {
      return;
    }
    long attempt = ++followAttempt;
    List<String> running = new ArrayList<>(runs.keySet());
    running.addAll(unrecorded.keySet());
    ctx.pipeToSelf(context.<SqlMain.Command, CoordinatorHub.Following>askMain(
            replyTo -> new CoordinatorHub.Follow(node, running, ctx.getSelf(), replyTo), MAIN_TIMEOUT),
        (f, failure) -> new Followed(attempt, f, failure));
    log.debug("node {}: following the main {} at epoch {} (attempt {})", node, serving.node(), serving.epoch(), attempt);
  }

  private Behavior<Command> followed(Followed f) {
    if (f.attempt() != followAttempt || following.isPresent()) {
      return Behaviors.same();
    }
    if (f.failure() != null) {
      long retries = Math.min(f.attempt(), 5);
      Duration wait = FOLLOW_RETRY.multipliedBy(1L << retries).compareTo(FOLLOW_RETRY_MAX) > 0
          ? FOLLOW_RETRY_MAX : FOLLOW_RETRY.multipliedBy(1L << retries);
      timers.startSingleTimer(new FollowAgain(f.attempt()), wait);
      return Behaviors.same();
    }
    following = Optional.of(f.following().main());
    epoch = f.following().epoch();
    ctx.watchWith(f.following().main(), new MainGone(f.following().main()));
    executors.clear();
    f.following().executors().forEach(e -> executors.put(e.node(), e.slots()));
    runs.values().forEach(run -> run.tell(new QueryRun.NewMain(f.following().executors())));
    log.info("node {} epoch {}: following the main {}; {} executors registered, {} jobs running here", node, epoch,
        main instanceof MainChange.Serving s ? s.node() : "?", executors.size(), runs.size());
    unrecorded.values().forEach(this::recordEnd);
    waiting.forEach(ctx.getSelf()::tell);
    waiting.clear();
    return Behaviors.same();
  }

  private void unfollow(String why) {
    following.ifPresent(m -> {
      ctx.unwatch(m);
      log.info("node {} epoch {}: no longer following the main: {}", node, epoch, why);
    });
    following = Optional.empty();
    followAttempt++;
  }

  /** Asks the main service followed; fails when none is. */
  private <R> CompletionStage<R> askFollowed(Function<ActorRef<R>, SqlMain.Command> message) {
    if (following.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "coordinator " + node + " does not follow a main yet (" + describe(main) + ")"));
    }
    return AskPattern.ask(following.get(), message::apply, MAIN_TIMEOUT, ctx.getSystem().scheduler());
  }

  private CompletionStage<JobLedger.Recorded> record(Job job) {
    return this.<JobLedger.Recorded>askFollowed(replyTo -> new JobLedger.Record(job, replyTo)).thenApply(r -> {
      if (r.failure() != null) {
        throw new IllegalStateException(r.failure());
      }
      return r;
    });
  }

  private static String describe(MainChange main) {
    return main instanceof MainChange.Serving s ? "main " + s.node() + " at epoch " + s.epoch() : "no main published";
  }

  // ---- running queries

  private Behavior<Command> submit(Submit submit) {
    if (standby()) {
      submit.replyTo().tell(notHere());
      return Behaviors.same();
    }
    if (following.isEmpty() && main instanceof MainChange.Serving && waiting.size() < MAX_WAITING) {
      waiting.add(submit); // just started, or the main just changed: it follows in a moment
      return Behaviors.same();
    }
    Job job = new Job(JobIds.next(), submit.sql(), Job.State.PLANNING, node, epoch, Instant.now(), null, null, null,
        null, null, null);
    ctx.pipeToSelf(this.<DatasetReply>askFollowed(DatasetCatalog.ListAll::new).thenApplyAsync(reply -> {
      if (!(reply instanceof DatasetReply.Listing listing)) {
        throw new IllegalStateException("the main's catalog did not list its datasets: " + reply);
      }
      Map<String, Dataset> datasets = new HashMap<>();
      listing.datasets().forEach(found -> datasets.put(found.dataset().name(), found.dataset()));
      PlannedStatement statement = plans.planStatement(submit.sql(), name -> Optional.ofNullable(datasets.get(name))
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
    Optional<String> refusal = refusal(planned.statement(), planned.datasets());
    if (refusal.isPresent()) {
      replyTo.tell(new JobReply.Rejected(SqlRejected.Kind.INVALID, refusal.get()));
      return Behaviors.same();
    }
    Job enqueued = planned.job().running(Job.State.ENQUEUED, null, List.of());
    // A query only reads: it runs while the main records it, so no store write is on the way to its rows. A
    // table statement writes files: it runs only once recorded.
    ctx.pipeToSelf(record(enqueued), (recorded, failure) ->
        new Recorded(planned.submit(), enqueued, planned.statement(), planned.datasets(), failure));
    if (planned.statement() instanceof PlannedStatement.Query) {
      start(enqueued, planned.statement(), planned.datasets());
    }
    return Behaviors.same();
  }

  private Behavior<Command> recorded(Recorded recorded) {
    String id = recorded.job().id();
    if (recorded.failure() != null) {
      String why = "the job was not recorded by the main: " + Failures.unwrap(recorded.failure()).getMessage();
      ActorRef<QueryRun.Command> run = runs.get(id);
      if (run != null) {
        run.tell(new QueryRun.Cancel());
        why += "; it was canceled";
      }
      recorded.submit().replyTo().tell(new JobReply.Unavailable(why));
      return Behaviors.same();
    }
    if (!(recorded.statement() instanceof PlannedStatement.Query)) {
      start(recorded.job(), recorded.statement(), recorded.datasets()); // a table statement, only now
    }
    recorded.submit().replyTo().tell(new JobReply.Accepted(id));
    return Behaviors.same();
  }

  private void start(Job job, PlannedStatement statement, Map<String, Dataset> datasets) {
    log.info("node {} epoch {}: job {} started: {}", node, job.epoch(), job.id(), oneLine(job.sql()));
    Engine engine = engine();
    live.put(job.id(), job);
    if (statement instanceof PlannedStatement.DropTable drop) {
      Job running = job.running(Job.State.RUNNING, Instant.now(), List.of());
      live.put(job.id(), running);
      ctx.pipeToSelf(TableDrop.run(job.id(), drop.name(), engine.database(), blocking, catalog),
          (summary, failure) -> new Dropped(running, summary, failure));
      return;
    }
    PlannedStatement.CreateTableAs create = statement instanceof PlannedStatement.CreateTableAs c ? c : null;
    QueryPlan plan = create != null ? create.plan() : ((PlannedStatement.Query) statement).plan();
    List<ExecutorSlots> now = new ArrayList<>();
    executors.forEach((executor, slots) -> now.add(new ExecutorSlots(executor, slots)));
    ActorRef<QueryRun.Command> run = ctx.spawn(QueryRun.create(job, plan, datasets, now,
        Optional.ofNullable(create).map(PlannedStatement.CreateTableAs::name),
        new QueryRun.Setting(node, engine.database(), engine.exchange(), settings.executorWait(), blocking,
            ctx.getSelf(), settings.scratch(), catalog)), "job-" + job.id());
    ctx.watch(run);
    runs.put(job.id(), run);
    runIds.put(run, job.id());
  }

  /** Why a table statement cannot run as the catalog is now; the catalog checks again when it runs. */
  private static Optional<String> refusal(PlannedStatement statement, Map<String, Dataset> datasets) {
    if (statement instanceof PlannedStatement.CreateTableAs create) {
      if (!CatalogExtension.isValidEntryName(create.name())) {
        return Optional.of("CREATE TABLE " + create.name() + ": invalid dataset name: must match "
            + CatalogExtension.ENTRY_NAME.pattern());
      }
      if (datasets.containsKey(create.name())) {
        return Optional.of("CREATE TABLE " + create.name() + ": dataset " + create.name() + " already exists");
      }
    }
    if (statement instanceof PlannedStatement.DropTable drop && !datasets.containsKey(drop.name())) {
      return Optional.of("DROP TABLE " + drop.name() + ": no dataset named " + drop.name());
    }
    return Optional.empty();
  }

  /** Started with the first query, so that a standby holds no DuckDB and no Flight port. */
  private Engine engine() {
    if (engine == null) {
      try {
        Files.createDirectories(settings.spill());
        JobDatabase database = new JobDatabase(settings.spill(), settings.memoryLimit(), settings.scratch(), allocator);
        ExchangeServer exchange = new ExchangeServer(allocator, "0.0.0.0", context.config().getString("node.host"),
            settings.exchangePort());
        engine = new Engine(database, exchange);
      } catch (Exception e) {
        throw new IllegalStateException("the SQL engine of coordinator " + node + " did not start: " + e.getMessage(), e);
      }
      log.info("node {} epoch {}: SQL jobs planned and finished here; fragment results arrive at {}:{}", node, epoch,
          engine.exchange().address().host(), engine.exchange().address().port());
    }
    return engine;
  }

  private Behavior<Command> ended(Ended ended) {
    Job job = ended.job();
    runs.remove(job.id());
    live.remove(job.id());
    long millis = job.started() == null ? 0 : Duration.between(job.started(), job.ended()).toMillis();
    log.info("node {} epoch {}: job {} {} in {} ms{}", node, job.epoch(), job.id(), job.state(), millis,
        job.state() == Job.State.COMPLETED ? ", " + job.rowCount() + " rows" : ": " + job.errorMessage());
    if (job.state() == Job.State.COMPLETED) {
      kept.put(job.id(), job);
      timers.startSingleTimer(new Expire(job.id()), settings.resultsRetention());
    } else {
      dropRows(job.id());
    }
    unrecorded.put(job.id(), job);
    recordEnd(job);
    for (ActorRef<JobReply> waiter : awaiting.getOrDefault(job.id(), List.of())) {
      timers.cancel(new WaitOver(job.id(), waiter));
      waiter.tell(new JobReply.Found(job));
    }
    awaiting.remove(job.id());
    return Behaviors.same();
  }

  /** A run that stopped without saying how its job ended: it failed (its actor threw). */
  private Behavior<Command> runStopped(RunStopped stopped) {
    Job job = live.get(stopped.id());
    if (runs.containsKey(stopped.id()) && job != null) {
      engine().exchange().close(job.id());
      return ended(new Ended(job.ended(Job.State.FAILED, "the query failed on its coordinator " + node + ": "
          + stopped.why())));
    }
    return Behaviors.same();
  }

  private void recordEnd(Job job) {
    ctx.pipeToSelf(record(job), (r, failure) -> new EndRecorded(job, failure));
  }

  private Behavior<Command> endRecorded(EndRecorded r) {
    if (r.failure() == null) {
      unrecorded.remove(r.job().id());
    } else {
      log.warn("node {} epoch {}: how job {} ended is not recorded yet, trying again: {}", node, epoch, r.job().id(),
          Failures.unwrap(r.failure()).toString());
      timers.startSingleTimer(new RecordEndAgain(r.job().id()), FOLLOW_RETRY_MAX);
    }
    return Behaviors.same();
  }

  // ---- answering about jobs

  private Optional<Job> local(String id) {
    return Optional.ofNullable(live.get(id)).or(() -> Optional.ofNullable(unrecorded.get(id)))
        .or(() -> Optional.ofNullable(kept.get(id)));
  }

  private Behavior<Command> get(Get g) {
    if (standby()) {
      g.replyTo().tell(notHere());
    } else if (!g.waitUpTo().isZero() && live.containsKey(g.id())) {
      awaiting.computeIfAbsent(g.id(), id -> new ArrayList<>()).add(g.replyTo());
      timers.startSingleTimer(new WaitOver(g.id(), g.replyTo()), g.waitUpTo());
    } else {
      local(g.id()).ifPresentOrElse(job -> g.replyTo().tell(new JobReply.Found(job)),
          () -> answer(g.replyTo(), askFollowed(replyTo -> new JobLedger.Get(g.id(), replyTo))));
    }
    return Behaviors.same();
  }

  private Behavior<Command> list(ListJobs l) {
    if (standby()) {
      l.replyTo().tell(notHere());
      return Behaviors.same();
    }
    answer(l.replyTo(), this.<JobReply>askFollowed(replyTo -> new JobLedger.ListJobs(l.limit(), replyTo))
        .thenApply(reply -> reply instanceof JobReply.Listing listing
            ? new JobReply.Listing(listing.jobs().stream().map(job -> local(job.id()).orElse(job)).toList())
            : reply));
    return Behaviors.same();
  }

  /** Answers {@code read} of a completed job whose rows are kept here, or why there is nothing to read. */
  private Behavior<Command> results(String id, ActorRef<JobReply> replyTo,
      Function<Job, CompletionStage<JobReply>> read) {
    if (standby()) {
      replyTo.tell(notHere());
      return Behaviors.same();
    }
    Job done = kept.get(id);
    if (done != null) {
      answer(replyTo, read.apply(done));
      return Behaviors.same();
    }
    Job current = live.get(id);
    if (current != null) {
      replyTo.tell(new JobReply.Conflict("job " + id + " is " + current.state() + ": its results are not ready"));
      return Behaviors.same();
    }
    answer(replyTo, this.<JobReply>askFollowed(ledger -> new JobLedger.Get(id, ledger)).thenApply(reply -> {
      if (!(reply instanceof JobReply.Found found)) {
        return reply;
      }
      Job job = found.job();
      return new JobReply.Conflict(job.state() != Job.State.COMPLETED
          ? "job " + job.id() + " is " + job.state() + ": it has no results"
          : job.coordinator().equals(node)
              ? "the results of job " + job.id() + " are gone: expired (sql.jobs.results-retention) or lost when the"
                  + " SQL service restarted"
              : "the results of job " + job.id() + " are kept by coordinator " + job.coordinator()
                  + ": ask it there (while its sql.jobs.results-retention lasts)");
    }));
    return Behaviors.same();
  }

  private Behavior<Command> cancel(Cancel c) {
    if (standby()) {
      c.replyTo().tell(notHere());
      return Behaviors.same();
    }
    ActorRef<QueryRun.Command> run = runs.get(c.id());
    if (run != null) {
      run.tell(new QueryRun.Cancel());
      c.replyTo().tell(new JobReply.Found(live.get(c.id())));
      return Behaviors.same();
    }
    answer(c.replyTo(), this.<JobReply>askFollowed(replyTo -> new JobLedger.Get(c.id(), replyTo)).thenCompose(reply -> {
      if (!(reply instanceof JobReply.Found found)) {
        return CompletableFuture.completedFuture(reply);
      }
      Job job = found.job();
      if (job.state().finished() || job.coordinator().equals(node)) {
        return CompletableFuture.completedFuture(
            new JobReply.Conflict("job " + job.id() + " already ended: " + (job.state().finished() ? job.state() : "FAILED")));
      }
      return this.<JobReply>askFollowed(replyTo -> new CoordinatorHub.CancelOn(job.coordinator(), job.id(), replyTo));
    }));
    return Behaviors.same();
  }

  /** A main-eligible node that is not the main: it stays passive. */
  private boolean standby() {
    return mainCandidate && !(main instanceof MainChange.Serving s && s.here());
  }

  private JobReply notHere() {
    return new JobReply.NotHere("node " + node + " is a standby: queries run on the main or a secondary coordinator",
        main instanceof MainChange.Serving s ? Optional.of(s.webUrl()) : Optional.empty());
  }

  private void dropRows(String id) {
    if (engine == null) {
      return;
    }
    JobDatabase database = engine.database();
    CompletableFuture.runAsync(() -> {
      try {
        database.drop(id);
      } catch (Exception e) {
        log.warn("node {} epoch {}: the rows of job {} were not dropped: {}", node, epoch, id, e.toString());
      }
    }, blocking);
  }

  private static void answer(ActorRef<JobReply> replyTo, CompletionStage<? extends JobReply> reply) {
    Answers.tell(replyTo, reply, JobReply.Unavailable::new);
  }

  private static String oneLine(String sql) {
    String line = sql.replaceAll("\\s+", " ").trim();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
