package io.mainstay.ext.checksum;

import io.mainstay.actors.CborSerializable;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.extension.MainContext;
import io.mainstay.extension.MainService;
import io.mainstay.extension.MainState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The main's half of the checksum: records each job in the store before acknowledging it, splits its files
 * into one part per executor slot, sends the parts, re-sends a part whose executor does not answer, and
 * records the result. A new main (a new instance of this service, at its own epoch) resumes every job the
 * store still lists as running; answers to an older main's parts carry its epoch and are ignored.
 */
public final class ChecksumJobs {

  public sealed interface Command {}

  /** Answered {@link Started}: the job's id once it is in the store, or why it was not taken. */
  public record Start(String directory, ActorRef<Started> replyTo) implements Command {}

  public record Started(String id, String error) {}

  public record Get(String id, ActorRef<Found> replyTo) implements Command {}

  public record Found(Optional<Job> job) {}

  /** An executor's answer for one part; {@code error} set when it could not hash them. */
  public record PartDone(String jobId, int part, long epoch, String executor, List<FileSum> sums, String error)
      implements Command, CborSerializable {}

  private record Fenced() implements Command {}

  private record Resumed() implements Command {}

  private record Loaded(List<Job> jobs, Throwable failure) implements Command {}

  private record Recorded(Job job, ActorRef<Started> replyTo, Throwable failure) implements Command {}

  private record Listed(String jobId, List<String> files, String error) implements Command {}

  private record GotExecutors(String jobId, List<String> slotOwners) implements Command {}

  private record Retry(String jobId) implements Command {}

  private record PartTimeout(String jobId, int part) implements Command {}

  /** {@code partTimeout}: how long a part may take before it goes to another executor. */
  public record Settings(Duration partTimeout, Duration executorRetry) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(30), Duration.ofSeconds(1));
    }
  }

  static final class Service implements MainService<Command> {
    private final Settings settings;

    Service(Settings settings) {
      this.settings = settings;
    }

    @Override
    public Behavior<Command> create(MainContext<Command> context) {
      return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ChecksumJobs(ctx, timers, context, settings).start()));
    }

    @Override
    public Optional<Command> onMainState(MainState state) {
      return Optional.of(state instanceof MainState.Fenced ? new Fenced() : new Resumed());
    }
  }

  /** A job this main is working on: its parts, who has each, and what came back. */
  private static final class Run {
    Job job;
    List<List<String>> parts = List.of();
    List<String> slotOwners = List.of();
    final Map<Integer, String> assigned = new HashMap<>();
    final Map<Integer, List<FileSum>> done = new HashMap<>();
    final Map<Integer, String> doneBy = new HashMap<>();
    /** Said once in the log, not at every retry. */
    boolean waitingForExecutors;

    Run(Job job) {
      this.job = job;
    }
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final MainContext<Command> main;
  private final Settings settings;
  private final java.util.concurrent.Executor blocking;
  private final Map<String, Run> runs = new HashMap<>();
  private boolean fenced;

  private ChecksumJobs(ActorContext<Command> ctx, TimerScheduler<Command> timers, MainContext<Command> main, Settings settings) {
    ctx.setLoggerName(ChecksumJobs.class);
    this.ctx = ctx;
    this.timers = timers;
    this.main = main;
    this.settings = settings;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.fenced = main.fenced();
  }

  private Behavior<Command> start() {
    ctx.pipeToSelf(
        main.store().list(Job.TABLE),
        (entries, failure) -> new Loaded(
            entries == null ? List.of() : entries.stream().map(e -> Job.fromJson(e.value())).toList(), failure));
    return Behaviors.receive(Command.class)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Start.class, this::onStart)
        .onMessage(Recorded.class, this::onRecorded)
        .onMessage(Get.class, this::onGet)
        .onMessage(Listed.class, this::onListed)
        .onMessage(GotExecutors.class, this::onGotExecutors)
        .onMessage(Retry.class, retry -> list(retry.jobId()))
        .onMessage(PartDone.class, this::onPartDone)
        .onMessage(PartTimeout.class, this::onPartTimeout)
        .onMessage(Fenced.class, f -> {
          fenced = true;
          return Behaviors.same();
        })
        .onMessage(Resumed.class, this::onResumed)
        .build();
  }

  private String where() {
    return "node " + main.node() + " epoch " + main.epoch();
  }

  /** What the previous main left running is this main's to finish, from scratch, at its own epoch. */
  private Behavior<Command> onLoaded(Loaded loaded) {
    if (loaded.failure() != null) {
      // the supervisor restarts the service, which reads the table again
      throw new IllegalStateException("cannot read the checksum jobs from the store", loaded.failure());
    }
    for (Job job : loaded.jobs()) {
      if (job.state() == Job.State.RUNNING) {
        ctx.getLog().info("{}: resuming checksum job {} of {} (taken by epoch {})", where(), job.id(), job.directory(), job.epoch());
        record(job.resumedAt(main.epoch()), null);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onStart(Start start) {
    Path directory = Path.of(start.directory());
    if (!directory.isAbsolute()) {
      start.replyTo().tell(new Started(null, "directory must be an absolute path: " + start.directory()));
      return Behaviors.same();
    }
    record(Job.submitted(UUID.randomUUID().toString(), directory.normalize().toString(), main.epoch(), Instant.now().toString()), start.replyTo());
    return Behaviors.same();
  }

  /** Durable (and confirmed) before it is acknowledged or worked on. */
  private void record(Job job, ActorRef<Started> replyTo) {
    ctx.pipeToSelf(main.store().put(Job.TABLE, job.id(), job.toJson()), (ok, failure) -> new Recorded(job, replyTo, failure));
  }

  private Behavior<Command> onRecorded(Recorded recorded) {
    if (recorded.failure() != null) {
      ctx.getLog().warn("{}: checksum job {} not recorded: {}", where(), recorded.job().id(), recorded.failure().toString());
      if (recorded.replyTo() != null) {
        recorded.replyTo().tell(new Started(null, "not recorded in the store: " + recorded.failure().getMessage()));
      }
      return Behaviors.same();
    }
    if (recorded.replyTo() != null) {
      ctx.getLog().info("{}: checksum job {} of {} accepted", where(), recorded.job().id(), recorded.job().directory());
      recorded.replyTo().tell(new Started(recorded.job().id(), null));
    }
    runs.put(recorded.job().id(), new Run(recorded.job()));
    return list(recorded.job().id());
  }

  private Behavior<Command> onGet(Get get) {
    main.store().get(Job.TABLE, get.id()).whenComplete((value, failure) ->
        get.replyTo().tell(new Found(failure == null ? value.map(entry -> Job.fromJson(entry.value())) : Optional.empty())));
    return Behaviors.same();
  }

  private Behavior<Command> list(String jobId) {
    Run run = runs.get(jobId);
    if (run == null) {
      return Behaviors.same();
    }
    String directory = run.job.directory();
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> files(Path.of(directory)), blocking),
        (files, failure) -> new Listed(jobId, files, failure == null ? null : rootMessage(failure)));
    return Behaviors.same();
  }

  static List<String> files(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(directory + " is not a directory");
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile).map(file -> directory.relativize(file).toString()).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  private Behavior<Command> onListed(Listed listed) {
    Run run = runs.get(listed.jobId());
    if (run == null) {
      return Behaviors.same();
    }
    if (listed.error() != null) {
      return finish(run, run.job.failed(Instant.now().toString(), listed.error()));
    }
    run.parts = List.of(listed.files()); // split once the executors are known
    ctx.pipeToSelf(main.executors(), (executors, failure) -> new GotExecutors(listed.jobId(), failure == null ? slotOwners(executors) : List.of()));
    return Behaviors.same();
  }

  /** One entry per slot: an executor with 3 slots takes three parts for another's one. */
  private static List<String> slotOwners(List<ExecutorSlots> executors) {
    List<String> owners = new ArrayList<>();
    int most = executors.stream().mapToInt(ExecutorSlots::slots).max().orElse(0);
    for (int round = 0; round < most; round++) {
      for (ExecutorSlots executor : executors.stream().sorted(Comparator.comparing(ExecutorSlots::node)).toList()) {
        if (round < executor.slots()) {
          owners.add(executor.node());
        }
      }
    }
    return owners;
  }

  private Behavior<Command> onGotExecutors(GotExecutors got) {
    Run run = runs.get(got.jobId());
    if (run == null) {
      return Behaviors.same();
    }
    if (got.slotOwners().isEmpty()) {
      if (!run.waitingForExecutors) {
        ctx.getLog().info("{}: checksum job {} waits for executors", where(), got.jobId());
        run.waitingForExecutors = true;
      }
      timers.startSingleTimer(new Retry(got.jobId()), settings.executorRetry());
      return Behaviors.same();
    }
    List<String> files = run.parts.get(0);
    int count = Math.max(1, Math.min(got.slotOwners().size(), files.size()));
    List<List<String>> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      parts.add(new ArrayList<>());
    }
    for (int i = 0; i < files.size(); i++) {
      parts.get(i % count).add(files.get(i));
    }
    run.parts = parts;
    run.slotOwners = got.slotOwners();
    for (int part = 0; part < count; part++) {
      run.assigned.put(part, got.slotOwners().get(part % got.slotOwners().size()));
      send(run, part);
    }
    ctx.getLog().info("{}: checksum job {}: {} files in {} parts over {}", where(), run.job.id(), files.size(), count,
        new TreeSet<>(got.slotOwners()));
    run.job = run.job.progress(0, count);
    return Behaviors.same();
  }

  /** While fenced nothing is sent (the runtime would drop it anyway); resuming sends what is outstanding. */
  private void send(Run run, int part) {
    timers.startSingleTimer(run.job.id() + "/" + part, new PartTimeout(run.job.id(), part), settings.partTimeout());
    if (!fenced) {
      main.tellExecutor(run.assigned.get(part),
          new ChecksumWorker.Part(run.job.id(), part, main.epoch(), run.job.directory(), run.parts.get(part), main.self()));
    }
  }

  private Behavior<Command> onPartDone(PartDone done) {
    if (done.epoch() != main.epoch()) {
      ctx.getLog().info("{}: ignoring checksum part {} of job {} answered for epoch {}", where(), done.part(), done.jobId(), done.epoch());
      return Behaviors.same();
    }
    Run run = runs.get(done.jobId());
    if (run == null || run.done.containsKey(done.part()) || !run.assigned.containsKey(done.part())) {
      return Behaviors.same();
    }
    timers.cancel(done.jobId() + "/" + done.part());
    if (done.error() != null) {
      return finish(run, run.job.failed(Instant.now().toString(), done.error()));
    }
    run.done.put(done.part(), done.sums());
    run.doneBy.put(done.part(), done.executor());
    run.job = run.job.progress(run.done.size(), run.parts.size());
    if (run.done.size() < run.parts.size()) {
      return Behaviors.same();
    }
    List<FileSum> sums = run.done.values().stream().flatMap(List::stream).sorted(Comparator.comparing(FileSum::path)).toList();
    List<String> by = new ArrayList<>(new TreeSet<>(run.doneBy.values()));
    return finish(run, run.job.completed(Instant.now().toString(), sums.size(), sums.stream().mapToLong(FileSum::size).sum(), checksum(sums), by));
  }

  /** SHA-256 of the lines "<path> <sha256>\n", in path order. */
  static String checksum(List<FileSum> sums) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (FileSum sum : sums) {
        digest.update((sum.path() + " " + sum.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Behavior<Command> onPartTimeout(PartTimeout timeout) {
    Run run = runs.get(timeout.jobId());
    if (run == null || run.done.containsKey(timeout.part())) {
      return Behaviors.same();
    }
    String before = run.assigned.get(timeout.part());
    int next = (run.slotOwners.indexOf(before) + 1) % run.slotOwners.size();
    run.assigned.put(timeout.part(), run.slotOwners.get(next));
    ctx.getLog().info("{}: checksum job {} part {}: no answer from {}; sending it to {}", where(), run.job.id(), timeout.part(), before,
        run.assigned.get(timeout.part()));
    send(run, timeout.part());
    return Behaviors.same();
  }

  private Behavior<Command> onResumed(Resumed resumed) {
    fenced = false;
    for (Run run : runs.values()) {
      for (int part : run.assigned.keySet()) {
        if (!run.done.containsKey(part)) {
          send(run, part);
        }
      }
    }
    return Behaviors.same();
  }

  /** The result is the store's; a write refused (fenced, deposed) leaves the job RUNNING for the next main. */
  private Behavior<Command> finish(Run run, Job job) {
    runs.remove(job.id());
    main.store().put(Job.TABLE, job.id(), job.toJson()).whenComplete((ok, failure) -> {
      if (failure == null) {
        ctx.getLog().info("{}: checksum job {} {}: {} files, {} bytes, {}", where(), job.id(), job.state(), job.files(), job.bytes(),
            job.checksum() != null ? job.checksum() : job.error());
      } else {
        ctx.getLog().warn("{}: checksum job {} result not recorded: {}", where(), job.id(), failure.toString());
      }
    });
    return Behaviors.same();
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
