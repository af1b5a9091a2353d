package io.mainstay.sql.jobs;

import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.Failures;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.MainContext;
import io.mainstay.sql.SqlMain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs of every coordinator, in the main's store: each coordinator records its jobs here (only the main
 * opens the store). A job whose coordinator is gone is recorded FAILED: when that coordinator leaves the
 * cluster, when its SQL service restarted without the job, or, after a failover, when it has not come back
 * to this main within {@code sql.jobs.coordinator-grace}. Finished jobs leave the store once they ended more
 * than {@code sql.jobs.max-age} ago, and beyond {@code sql.jobs.kept} the oldest finished ones too. A finished job is never written again: the first end recorded stands.
 */
public final class JobLedger {

  private static final Logger log = LoggerFactory.getLogger(JobLedger.class);

  /** The store table of the jobs, keyed by id (time-ordered). */
  static final String TABLE = "jobs";

  public interface Command extends SqlMain.Command {}

  /** Write {@code job} as its coordinator has it now. */
  public record Record(Job job, ActorRef<Recorded> replyTo) implements Command, CborSerializable {}

  /** {@code stored}: false when the store already held the job finished, so this write was dropped. */
  public record Recorded(String id, boolean stored, String failure) implements CborSerializable {}

  public record Get(String id, ActorRef<JobReply> replyTo) implements Command, CborSerializable {}

  public record ListJobs(int limit, ActorRef<JobReply> replyTo) implements Command, CborSerializable {}

  /** From the coordinator hub: {@code node} follows this main and runs exactly {@code live} of its jobs. */
  record Claim(String node, List<String> live) implements Command {}

  /** From the coordinator hub: {@code node} is gone, and every job it had not finished with it. */
  record CoordinatorLost(String node, String why) implements Command {}

  private record GraceOver() implements Command {}

  private record Prune() implements Command {}

  /** How often jobs past {@code sql.jobs.max-age} are looked for, besides at every new job. */
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  public static Behavior<Command> create(MainContext<?> main, Duration grace, int kept, Duration maxAge) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new JobLedger(ctx, main, grace, kept, maxAge, timers).behavior()));
  }

  private final ActorContext<Command> ctx;
  private final MainContext<?> main;
  private final ExtensionStore store;
  private final int kept;
  private final Duration maxAge;
  /** The coordinators that came to this main; after the grace, a job of any other coordinator is orphaned. */
  private final Set<String> claimed = new HashSet<>();
  private boolean graceOver;

  private JobLedger(ActorContext<Command> ctx, MainContext<?> main, Duration grace, int kept, Duration maxAge,
      TimerScheduler<Command> timers) {
    this.ctx = ctx;
    this.main = main;
    this.store = main.store();
    this.kept = kept;
    this.maxAge = maxAge;
    timers.startSingleTimer(new GraceOver(), grace);
    timers.startTimerWithFixedDelay(new Prune(), Duration.ZERO, PRUNE_EVERY);
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Record.class, this::record)
        .onMessage(Get.class, g -> {
          answer(g.replyTo(), stored(g.id()).thenApply(job -> job == null ? notFound(g.id()) : new JobReply.Found(job)));
          return Behaviors.same();
        })
        .onMessage(ListJobs.class, l -> {
          answer(l.replyTo(), store.list(TABLE).thenApply(entries -> {
            List<Job> jobs = new ArrayList<>();
            for (int i = entries.size() - 1; i >= 0 && jobs.size() < l.limit(); i--) {
              jobs.add(JobJson.read(entries.get(i).value()));
            }
            return new JobReply.Listing(jobs);
          }));
          return Behaviors.same();
        })
        .onMessage(Claim.class, c -> {
          claimed.add(c.node());
          Set<String> live = Set.copyOf(c.live());
          failUnfinished(job -> job.coordinator().equals(c.node()) && !live.contains(job.id()),
              job -> "coordinator lost: the SQL service of " + c.node() + " restarted without this job");
          return Behaviors.same();
        })
        .onMessage(CoordinatorLost.class, l -> {
          claimed.remove(l.node());
          failUnfinished(job -> job.coordinator().equals(l.node()),
              job -> "coordinator lost: " + l.node() + " " + l.why());
          return Behaviors.same();
        })
        .onMessage(Prune.class, p -> {
          prune();
          return Behaviors.same();
        })
        .onMessage(GraceOver.class, g -> {
          graceOver = true;
          failUnfinished(job -> !claimed.contains(job.coordinator()),
              job -> "coordinator lost: " + job.coordinator() + " (job of epoch " + job.epoch()
                  + ") did not come back to the main " + main.node() + " of epoch " + main.epoch());
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> record(Record r) {
    Job job = r.job();
    if (graceOver && !claimed.contains(job.coordinator())) {
      // a coordinator that never came back (or was lost) must not revive its job after it was failed
      r.replyTo().tell(new Recorded(job.id(), false, null));
      return Behaviors.same();
    }
    stored(job.id()).thenCompose(existing -> {
      if (existing != null && existing.state().finished()) {
        return CompletableFuture.completedFuture(false);
      }
      return store.put(TABLE, job.id(), JobJson.write(job)).thenApply(version -> {
        if (version == 1) {
          pruneBeyondKept();
        }
        return true;
      });
    }).whenComplete((stored, failure) -> r.replyTo().tell(failure == null
        ? new Recorded(job.id(), stored, null)
        : new Recorded(job.id(), false, String.valueOf(Failures.unwrap(failure).getMessage()))));
    return Behaviors.same();
  }

  private void failUnfinished(Predicate<Job> which, Function<Job, String> why) {
    store.list(TABLE).thenCompose(entries -> {
      List<CompletionStage<Long>> writes = new ArrayList<>();
      for (ExtensionStore.Entry entry : entries) {
        Job job = JobJson.read(entry.value());
        if (!job.state().finished() && which.test(job)) {
          Job failed = job.ended(Job.State.FAILED, why.apply(job));
          log.info("node {} epoch {}: job {} FAILED: {}", main.node(), main.epoch(), job.id(), failed.errorMessage());
          writes.add(store.put(TABLE, job.id(), JobJson.write(failed)));
        }
      }
      return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new));
    }).whenComplete((ok, failure) -> {
      if (failure != null) {
        log.warn("node {} epoch {}: jobs whose coordinator is gone were not all marked FAILED: {}", main.node(),
            main.epoch(), Failures.unwrap(failure).toString());
      }
    });
  }

  /** After a new job: the keys alone say whether there are more than {@code sql.jobs.kept}. */
  private void pruneBeyondKept() {
    store.versions(TABLE).thenAccept(versions -> {
      if (versions.size() > kept) {
        ctx.getSelf().tell(new Prune());
      }
    });
  }

  /** Finished jobs that ended before {@code sql.jobs.max-age} ago, and the oldest beyond {@code sql.jobs.kept}. */
  private void prune() {
    Instant oldest = Instant.now().minus(maxAge);
    store.list(TABLE).thenAccept(entries -> {
      int excess = entries.size() - kept;
      int removed = 0;
      for (ExtensionStore.Entry entry : entries) {
        Job job = JobJson.read(entry.value());
        if (job.state().finished() && (excess > 0 || job.ended().isBefore(oldest))) {
          store.delete(TABLE, entry.key());
          excess--;
          removed++;
        }
      }
      if (removed > 0) {
        log.info("node {} epoch {}: {} finished jobs removed (sql.jobs.kept {}, sql.jobs.max-age {})", main.node(),
            main.epoch(), removed, kept, maxAge);
      }
    });
  }

  private CompletionStage<Job> stored(String id) {
    return store.get(TABLE, id).thenApply(entry -> entry.map(e -> JobJson.read(e.value())).orElse(null));
  }

  private static JobReply notFound(String id) {
    return new JobReply.NotFound("no job with id '" + id + "'");
  }

  private static void answer(ActorRef<JobReply> replyTo, CompletionStage<? extends JobReply> reply) {
    Answers.tell(replyTo, reply, JobReply.Unavailable::new);
  }
}
