package io.mainstay.sql.jobs;

import io.mainstay.actors.Failures;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.sql.datasets.Dataset;
import io.mainstay.sql.datasets.DatasetScanner;
import io.mainstay.sql.exchange.ExchangeAddress;
import io.mainstay.sql.exchange.ExchangeKey;
import io.mainstay.sql.exchange.ExchangeServer;
import io.mainstay.sql.execution.FragmentCommand;
import io.mainstay.sql.execution.FragmentReport;
import io.mainstay.sql.planning.JoinFragment;
import io.mainstay.sql.planning.QueryPlan;
import io.mainstay.sql.planning.ScanFragment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running query on its coordinator: cuts each scan into splits, sends every split to an executor,
 * sends a split again (next attempt) when its executor is lost (a scan only reads, so repeating it is safe,
 * and each attempt lands in a table of its own), and once every split is in, runs the final stage. Waits for
 * executors (up to {@code sql.jobs.executor-wait}) when none is registered yet, as after a failover.
 */
final class QueryRun {

  private static final Logger log = LoggerFactory.getLogger(QueryRun.class);

  /**
   * How long a split that could not send a partition's rows waits for the receiver to be declared lost (the
   * main drops an executor 3 s after its last heartbeat) before the failure fails the job.
   */
  static final Duration RECEIVER_GRACE = Duration.ofSeconds(10);

  sealed interface Command {}

  record Reported(FragmentReport report) implements Command {}

  record ExecutorLost(String node, String why) implements Command {}

  record ExecutorJoined(ExecutorSlots executor) implements Command {}

  record Cancel() implements Command {}

  /**
   * Its coordinator follows a new main, whose registry lists {@code executors}: one running a split but not
   * listed gets {@code sql.jobs.executor-wait} to register there (executors follow a new main in seconds),
   * then counts as lost, as the new main will never say it left.
   */
  record NewMain(List<ExecutorSlots> executors) implements Command {}

  private record Unregistered(String node) implements Command {}

  private record WaitExpired() implements Command {}

  private record Finished(JobDatabase.Result result, Throwable failure) implements Command {}

  private record Created(JobDatabase.Result summary, Throwable failure) implements Command {}

  private record ReceiverGrace(FragmentReport.Failed failed, String receiver) implements Command {}

  /** What the query needs from its manager. */
  record Setting(String node, JobDatabase database, ExchangeServer exchange, Duration executorWait,
      Executor blocking, ActorRef<JobManager.Command> manager, Path scratch, CatalogAsk catalog) {}

  /** A piece of the query run on one executor: a split of a scan or a partition of a join, and its current attempt. */
  private abstract static class Unit {
    String executor;
    int attempt;
    String state = "RUNNING";
    Long rows;
    Long millis;

    abstract ExchangeKey key(String job);

    abstract Job.Fragment view();

    boolean is(String s) {
      return s.equals(state);
    }
  }

  /** One split of one scan. WAITING: a side of a partitioned join whose partitions' executors have not opened it. */
  private static final class Split extends Unit {
    final ScanFragment scan;
    final Dataset dataset;
    final int index;
    final List<Dataset.DataFile> files;

    Split(ScanFragment scan, Dataset dataset, int index, List<Dataset.DataFile> files) {
      this.scan = scan;
      this.dataset = dataset;
      this.index = index;
      this.files = files;
    }

    @Override
    ExchangeKey key(String job) {
      return new ExchangeKey(job, scan.input(), index, attempt);
    }

    @Override
    Job.Fragment view() {
      return new Job.Fragment(scan.input(), dataset.name(), scan.broadcast(), List.of(), index, files.size(),
          files.stream().mapToLong(Dataset.DataFile::size).sum(), executor, attempt, state, rows, millis);
    }
  }

  /**
   * One partition of a partitioned join, run where its sides send its rows ({@code executor}, fixed until
   * that executor is lost). PENDING until every split of both sides is in.
   */
  private static final class Partition extends Unit {
    final JoinFragment join;
    final int index;

    Partition(JoinFragment join, int index, String home) {
      this.join = join;
      this.index = index;
      this.executor = home;
      this.state = "PENDING";
    }

    @Override
    ExchangeKey key(String job) {
      return new ExchangeKey(job, join.input(), index, attempt);
    }

    @Override
    Job.Fragment view() {
      return new Job.Fragment(join.input(), null, List.of(), join.sides(), index, 0, 0, executor, attempt, state, rows,
          millis);
    }
  }

  /**
   * @param executors those registered now; with none, the query waits for one
   * @param createAs the table CREATE TABLE AS makes of the result; empty for a query
   */
  static Behavior<Command> create(Job submitted, QueryPlan plan, Map<String, Dataset> datasets,
      List<ExecutorSlots> executors, Optional<String> createAs, Setting setting) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      QueryRun run = new QueryRun(ctx, timers, submitted, plan, datasets, createAs, setting);
      executors.forEach(e -> run.live.put(e.node(), e.slots()));
      return run.live.isEmpty() ? run.waiting() : run.start();
    }));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final QueryPlan plan;
  private final Optional<String> createAs;
  /** Where executors write a CREATE TABLE AS split by split, when the final stage only gathers them. */
  private final Optional<Path> writeDir;
  /** The final stage runs; a cancel waits for it to stop. */
  private boolean finalStage;
  private boolean canceled;
  private final Map<String, Dataset> datasets;
  private final Setting setting;
  private final ActorRef<FragmentReport> reports;
  private final List<Split> splits = new ArrayList<>();
  private final List<Partition> partitions = new ArrayList<>();
  /** The executors that take this job's partitioned rows, and where; and those asked to. */
  private final Map<String, ExchangeAddress> opened = new LinkedHashMap<>();
  private final Set<String> opening = new LinkedHashSet<>();
  private final Map<String, Integer> live = new LinkedHashMap<>();
  private final Set<String> used = new LinkedHashSet<>();
  private Job job;

  private QueryRun(ActorContext<Command> ctx, TimerScheduler<Command> timers, Job submitted, QueryPlan plan,
      Map<String, Dataset> datasets, Optional<String> createAs, Setting setting) throws Exception {
    this.ctx = ctx;
    this.timers = timers;
    this.job = submitted;
    this.plan = plan;
    this.createAs = createAs;
    this.writeDir = createAs.filter(name -> plan.gatherOnly())
        .map(name -> TableCreation.directory(setting.scratch(), name, submitted.id()));
    this.datasets = datasets;
    this.setting = setting;
    this.reports = ctx.messageAdapter(FragmentReport.class, Reported::new);
    setting.exchange().open(job.id(), setting.database().open(job.id()));
  }

  private Behavior<Command> waiting() {
    timers.startSingleTimer(new WaitExpired(), setting.executorWait());
    return Behaviors.receive(Command.class)
        .onMessage(ExecutorJoined.class, j -> {
          timers.cancelAll();
          live.put(j.executor().node(), j.executor().slots());
          return start();
        })
        .onMessage(NewMain.class, m -> {
          if (m.executors().isEmpty()) {
            return Behaviors.same();
          }
          timers.cancelAll();
          m.executors().forEach(e -> live.put(e.node(), e.slots()));
          return start();
        })
        .onMessage(Unregistered.class, u -> Behaviors.same())
        .onMessage(WaitExpired.class, w -> end(job.ended(Job.State.FAILED, "no executor registered with the main within "
            + setting.executorWait().toSeconds() + " s (sql.jobs.executor-wait)")))
        .onMessage(Cancel.class, c -> end(job.ended(Job.State.CANCELED, "canceled")))
        .onMessage(Reported.class, r -> Behaviors.same())
        .onMessage(ExecutorLost.class, l -> Behaviors.same())
        .build();
  }

  private Behavior<Command> start() {
    if (writeDir.isPresent()) {
      try {
        Files.createDirectories(writeDir.get());
      } catch (IOException e) {
        return end(job.ended(Job.State.FAILED, "CREATE TABLE " + createAs.get() + ": " + writeDir.get()
            + " cannot be created: " + e.getMessage()));
      }
    }
    int slots = live.values().stream().mapToInt(Integer::intValue).sum();
    for (ScanFragment scan : plan.scans()) {
      Dataset dataset = datasets.get(scan.dataset());
      List<List<Dataset.DataFile>> cut = Splits.of(dataset.files(), slots);
      for (int i = 0; i < cut.size(); i++) {
        splits.add(new Split(scan, dataset, i, cut.get(i)));
      }
    }
    for (JoinFragment join : plan.joins()) {
      List<String> homes = homes();
      for (int p = 0; p < homes.size(); p++) {
        partitions.add(new Partition(join, p, homes.get(p)));
      }
    }
    partitions.forEach(p -> open(p.executor));
    for (Split split : splits) {
      dispatchWhenOpen(split);
    }
    job = job.running(Job.State.RUNNING, Instant.now(), views());
    log.info("node {} epoch {}: job {} running: {} scans in {} splits, {} partitioned joins in {} partitions, on {}"
        + " executors", setting.node(), job.epoch(), job.id(), plan.scans().size(), splits.size(), plan.joins().size(),
        partitions.size(), live.size());
    setting.manager().tell(new JobManager.Updated(job, true));
    return running();
  }

  /** Where a join's partitions run: one per slot of the live executors, in node order. */
  private List<String> homes() {
    List<String> homes = new ArrayList<>();
    live.keySet().stream().sorted().forEach(node -> homes.addAll(java.util.Collections.nCopies(live.get(node), node)));
    return homes;
  }

  /** Asks {@code executor} to take this job's partitioned rows, unless it does or was asked. */
  private void open(String executor) {
    if (!opened.containsKey(executor) && opening.add(executor)) {
      used.add(executor);
      setting.manager().tell(new JobManager.Relay(executor, new FragmentCommand.Open(job.id(), job.epoch(),
          ctx.getSelf(), reports)));
    }
  }

  /** A side's split waits until every executor running a partition of its join takes its rows. */
  private void dispatchWhenOpen(Split split) {
    if (split.scan.partitionBy() != null && partitionsOf(split).stream().anyMatch(p -> !opened.containsKey(p.executor))) {
      split.state = "WAITING";
      return;
    }
    dispatch(split);
  }

  private List<Partition> partitionsOf(Split side) {
    return partitions.stream().filter(p -> p.join.sides().contains(side.scan.input())).toList();
  }

  /** The live executor with the fewest running pieces per slot. */
  private String leastBusy() {
    return live.keySet().stream()
        .min(Comparator.comparingDouble((String node) -> (double) runningOn(node) / live.get(node))
            .thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }

  /** The split's next attempt, on the live executor with the fewest running pieces per slot. */
  private void dispatch(Split split) {
    String executor = leastBusy();
    split.executor = executor;
    split.attempt++;
    split.state = "RUNNING";
    used.add(executor);
    List<Path> files = split.files.stream().map(f -> Path.of(f.path())).toList();
    Map<String, String> broadcast = new LinkedHashMap<>();
    for (String name : split.scan.broadcast()) {
      Dataset whole = datasets.get(name);
      broadcast.put(name, DatasetScanner.reader(whole, whole.files().stream().map(f -> Path.of(f.path())).toList()));
    }
    setting.manager().tell(new JobManager.Relay(executor, new FragmentCommand.Run(split.key(job.id()), job.epoch(),
        split.dataset.name(), DatasetScanner.reader(split.dataset, files), broadcast, split.scan.sql(),
        setting.exchange().address(), writeDir.map(dir -> part(dir, split).toString()).orElse(null),
        split.scan.partitionBy(), split.scan.partitionBy() == null ? null
            : partitionsOf(split).stream().map(p -> opened.get(p.executor)).toList(), reports)));
  }

  /** The partition's next attempt, where its rows are: each split of each side, its current attempt. */
  private void dispatch(Partition partition) {
    partition.attempt++;
    partition.state = "RUNNING";
    Map<String, List<ExchangeKey>> inputs = new LinkedHashMap<>();
    for (String side : partition.join.sides()) {
      inputs.put(side, splits.stream().filter(s -> s.scan.input().equals(side))
          .map(s -> s.key(job.id()).bucket(partition.index)).toList());
    }
    setting.manager().tell(new JobManager.Relay(partition.executor, new FragmentCommand.Join(partition.key(job.id()),
        job.epoch(), inputs, partition.join.sql(), setting.exchange().address(), reports)));
  }

  /** The parts executors wrote for a table that will not be: nothing else is in its own directory. */
  private void removeWritten(Path dir) {
    CompletableFuture.runAsync(() -> {
      try (Stream<Path> parts = Files.list(dir)) {
        for (Path part : parts.toList()) {
          Files.deleteIfExists(part);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        log.warn("node {} epoch {}: the parts written for job {} were not all removed from {}: {}", setting.node(),
            job.epoch(), job.id(), dir, e.toString());
      }
    }, setting.blocking());
  }

  private static Path part(Path dir, Split split) {
    return dir.resolve("part-" + split.index + ".parquet");
  }

  private long runningOn(String node) {
    return units().filter(u -> node.equals(u.executor) && u.is("RUNNING")).count();
  }

  private java.util.stream.Stream<Unit> units() {
    return Stream.concat(splits.stream(), partitions.stream());
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Reported.class, r -> reported(r.report()))
        .onMessage(ExecutorLost.class, this::lost)
        .onMessage(ExecutorJoined.class, j -> {
          live.put(j.executor().node(), j.executor().slots());
          timers.cancel(new Unregistered(j.executor().node()));
          return Behaviors.same();
        })
        .onMessage(NewMain.class, m -> {
          live.clear();
          m.executors().forEach(e -> live.put(e.node(), e.slots()));
          units().filter(u -> (u.is("RUNNING") || u.is("PENDING")) && !live.containsKey(u.executor))
              .map(u -> u.executor).distinct()
              .forEach(node -> timers.startSingleTimer(new Unregistered(node), setting.executorWait()));
          return Behaviors.same();
        })
        .onMessage(Unregistered.class, u -> live.containsKey(u.node()) ? Behaviors.same()
            : lost(new ExecutorLost(u.node(), "it did not register with the new main within "
                + setting.executorWait().toSeconds() + " s (sql.jobs.executor-wait)")))
        .onMessage(Cancel.class, c -> {
          if (finalStage) {
            // its statement stops; the job ends when it returns, so no result table outlives it
            canceled = true;
            setting.database().cancel(job.id());
            return Behaviors.same();
          }
          cancelFragments();
          return end(job.ended(Job.State.CANCELED, "canceled"));
        })
        .onMessage(Finished.class, this::finished)
        .onMessage(WaitExpired.class, w -> Behaviors.same())
        .onMessage(ReceiverGrace.class, this::graceOver)
        .build();
  }

  private Behavior<Command> reported(FragmentReport report) {
    if (report instanceof FragmentReport.Opened o) {
      return opened(o);
    }
    FragmentReport.Attempted attempted = (FragmentReport.Attempted) report;
    Unit unit = unit(attempted.key(), "RUNNING");
    if (unit == null) {
      return Behaviors.same(); // an earlier attempt, already replaced
    }
    if (report instanceof FragmentReport.Failed failed) {
      String receiver = receiver(failed.sendingTo());
      if (unit instanceof Split split && receiver != null) {
        // the receiver of a partition may have died: if it did, its loss sends this split again
        split.state = "WAITING";
        timers.startSingleTimer(new ReceiverGrace(failed, receiver), RECEIVER_GRACE);
        log.info("node {} epoch {}: job {} fragment {} split {} could not send to {}, waiting up to {} s for it to be"
            + " declared lost: {}", setting.node(), job.epoch(), job.id(), split.scan.input(), split.index, receiver,
            RECEIVER_GRACE.toSeconds(), failed.message());
        return Behaviors.same();
      }
      return failed(unit, failed);
    }
    FragmentReport.Succeeded done = (FragmentReport.Succeeded) report;
    unit.state = "DONE";
    unit.rows = done.rows();
    unit.millis = done.millis();
    if (unit instanceof Split split && split.scan.partitionBy() != null) {
      startPartitionsOf(split);
    }
    job = job.progress(views());
    setting.manager().tell(new JobManager.Updated(job, false));
    if (units().allMatch(u -> u.is("DONE"))) {
      Map<String, List<ExchangeKey>> inputs = new LinkedHashMap<>();
      for (Unit u : units().toList()) {
        if (!(u instanceof Split split) || split.scan.partitionBy() == null) {
          inputs.computeIfAbsent(u.key(job.id()).input(), k -> new ArrayList<>()).add(u.key(job.id()));
        }
      }
      String id = job.id();
      if (writeDir.isPresent()) {
        long rows = splits.stream().mapToLong(s -> s.rows).sum();
        List<Path> parts = splits.stream().map(s -> part(writeDir.get(), s)).toList();
        ctx.pipeToSelf(TableCreation.register(id, createAs.get(), rows, writeDir.get(), parts, setting.database(),
            setting.blocking(), setting.catalog()), Created::new);
        return creating();
      }
      finalStage = true;
      ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          return setting.database().finish(id, inputs, plan.finalSql());
        } catch (Exception e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }, setting.blocking()), Finished::new);
    }
    return Behaviors.same();
  }

  private Behavior<Command> failed(Unit unit, FragmentReport.Failed failed) {
    unit.state = "FAILED";
    cancelFragments();
    return end(job.progress(views()).ended(Job.State.FAILED, "fragment " + failed.key().input() + " "
        + (unit instanceof Partition ? "partition " : "split ") + failed.key().split() + " failed on "
        + failed.executor() + ": " + failed.message()));
  }

  /** The live executor that took this job's partitioned rows at {@code address}; null if none does. */
  private String receiver(ExchangeAddress address) {
    return address == null ? null : opened.entrySet().stream().filter(e -> e.getValue().equals(address))
        .map(Map.Entry::getKey).filter(live::containsKey).findFirst().orElse(null);
  }

  /** The receiver a split could not send to is still live well after its heartbeats would have stopped. */
  private Behavior<Command> graceOver(ReceiverGrace grace) {
    Unit unit = unit(grace.failed().key(), "WAITING");
    if (unit == null || !live.containsKey(grace.receiver())) {
      return Behaviors.same(); // sent again meanwhile, or the receiver was lost and its partitions moved
    }
    return failed(unit, grace.failed());
  }

  private Behavior<Command> opened(FragmentReport.Opened o) {
    if (!opening.remove(o.executor())) {
      return Behaviors.same(); // lost meanwhile
    }
    if (o.address() == null) {
      cancelFragments();
      return end(job.progress(views()).ended(Job.State.FAILED, "executor " + o.executor()
          + " cannot take the rows of a partitioned join: " + o.failure()));
    }
    opened.put(o.executor(), o.address());
    splits.stream().filter(s -> s.is("WAITING")).forEach(this::dispatchWhenOpen);
    return Behaviors.same();
  }

  /** Once every split of both sides of a join is in, its pending partitions run. */
  private void startPartitionsOf(Split side) {
    for (Partition p : partitionsOf(side)) {
      boolean ready = splits.stream().filter(s -> p.join.sides().contains(s.scan.input())).allMatch(s -> s.is("DONE"));
      if (ready && p.is("PENDING")) {
        dispatch(p);
      }
    }
  }

  private Behavior<Command> lost(ExecutorLost lost) {
    live.remove(lost.node());
    opened.remove(lost.node());
    opening.remove(lost.node());
    Optional<Unit> left = units().filter(u -> !u.is("DONE")).findFirst();
    if (live.isEmpty() && left.isPresent()) {
      ExchangeKey key = left.get().key(job.id());
      cancelFragments();
      return end(job.progress(views()).ended(Job.State.FAILED, "no live executor left to run fragment " + key.input()
          + (left.get() instanceof Partition ? " partition " : " split ") + key.split() + " (" + lost.node()
          + " was lost: " + lost.why() + ")"));
    }
    // a partition not done there lost its rows: it moves, and every split of its join's sides sends its rows again
    Set<String> resent = new LinkedHashSet<>();
    for (Partition p : partitions) {
      if (lost.node().equals(p.executor) && !p.is("DONE")) {
        p.executor = leastBusy();
        p.state = "PENDING";
        open(p.executor);
        resent.addAll(p.join.sides());
        log.info("node {} epoch {}: job {} join {} partition {} moves to {}: {} was lost", setting.node(), job.epoch(),
            job.id(), p.join.input(), p.index, p.executor, lost.node());
      }
    }
    for (Split split : splits) {
      if (resent.contains(split.scan.input()) || lost.node().equals(split.executor) && split.is("RUNNING")) {
        dispatchWhenOpen(split);
        log.info("node {} epoch {}: job {} fragment {} split {} {}: {} was lost", setting.node(), job.epoch(),
            job.id(), split.scan.input(), split.index, split.is("WAITING") ? "waits for its partitions' executors"
                : "sent again (attempt " + split.attempt + ") to " + split.executor, lost.node());
      }
    }
    // waiting splits whose partitions moved to executors that opened the job already go now
    splits.stream().filter(s -> s.is("WAITING")).forEach(this::dispatchWhenOpen);
    job = job.progress(views());
    setting.manager().tell(new JobManager.Updated(job, false));
    return Behaviors.same();
  }

  private Behavior<Command> finished(Finished finished) {
    if (canceled) {
      return end(job.ended(Job.State.CANCELED, "canceled during the final stage"));
    }
    if (finished.failure() != null) {
      return end(job.ended(Job.State.FAILED, "the final stage failed: " + Failures.unwrap(finished.failure()).getMessage()));
    }
    if (createAs.isEmpty()) {
      return end(job.completed(finished.result().rows(), finished.result().columns()));
    }
    ctx.pipeToSelf(TableCreation.finish(job.id(), createAs.get(), finished.result().rows(), setting.scratch(),
        setting.database(), setting.blocking(), setting.catalog()), Created::new);
    return creating();
  }

  /** Too late to cancel: the files are written, and the table is being registered. */
  private Behavior<Command> creating() {
    return Behaviors.receive(Command.class)
        .onMessage(Created.class, c -> c.failure() != null
            ? end(job.ended(Job.State.FAILED, Failures.unwrap(c.failure()).getMessage()))
            : end(job.completed(c.summary().rows(), c.summary().columns())))
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }

  /** The unit whose current attempt is {@code key} and in {@code state}; null for a stale attempt's key. */
  private Unit unit(ExchangeKey key, String state) {
    return units().filter(u -> u.is(state) && u.key(job.id()).equals(key)).findFirst().orElse(null);
  }

  private void cancelFragments() {
    for (String executor : used) {
      setting.manager().tell(new JobManager.Relay(executor, new FragmentCommand.Cancel(job.id())));
    }
  }

  private List<Job.Fragment> views() {
    return units().map(Unit::view).toList();
  }

  private Behavior<Command> end(Job ended) {
    setting.exchange().close(ended.id());
    if (ended.state() == Job.State.COMPLETED) {
      // the rows partitioned joins were sent: the executors that took them drop them
      for (String executor : opened.keySet()) {
        setting.manager().tell(new JobManager.Relay(executor, new FragmentCommand.Cancel(job.id())));
      }
    }
    if (writeDir.isPresent() && ended.state() != Job.State.COMPLETED) {
      removeWritten(writeDir.get());
    }
    setting.manager().tell(new JobManager.Ended(ended));
    return Behaviors.stopped();
  }
}
