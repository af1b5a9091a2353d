package io.mainstay.sql.jobs;

import io.mainstay.actors.CborSerializable;
import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.extension.MainContext;
import io.mainstay.sql.SqlMain;
import io.mainstay.sql.execution.FragmentCommand;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main's side of every coordinator's job manager (this node's own, and secondary coordinators'): a
 * coordinator follows this main, is told which executors are registered and when that changes, and has its
 * fragment commands sent on stamped with this main's epoch (executors take commands only from the newest
 * main). A follower that leaves the cluster takes its unfinished jobs with it: the ledger records them
 * FAILED.
 */
public final class CoordinatorHub {

  private static final Logger log = LoggerFactory.getLogger(CoordinatorHub.class);

  public interface Command extends SqlMain.Command {}

  /** A coordinator's job manager follows this main, running {@code live} of its jobs. */
  public record Follow(String node, List<String> live, ActorRef<JobManager.Command> coordinator,
      ActorRef<Following> replyTo) implements Command, CborSerializable {}

  /**
   * The answer: where to send commands from now on, this main's epoch, and the executors registered now.
   */
  public record Following(ActorRef<SqlMain.Command> main, long epoch, List<ExecutorSlots> executors)
      implements CborSerializable {}

  /** Send {@code command} to {@code executor}'s fragment runner, stamped with this main's epoch. */
  public record Relay(String executor, FragmentCommand command) implements Command, CborSerializable {}

  /** Cancel a job run by another coordinator, which answers. */
  public record CancelOn(String node, String job, ActorRef<JobReply> replyTo) implements Command, CborSerializable {}

  /** From the main service: the registry changed. */
  public record ExecutorsChanged(ExecutorChange change) implements Command {}

  private record Gone(String node, ActorRef<JobManager.Command> coordinator) implements Command {}

  private record Confirmed(String node, ActorRef<JobManager.Command> coordinator, boolean alive) implements Command {}

  /** How long a follower whose death was signalled has to answer before its jobs are lost. */
  private static final Duration CONFIRM = Duration.ofSeconds(3);

  private record Listed(Follow follow, List<ExecutorSlots> executors, Throwable failure) implements Command {}

  private record Refreshed(long listing, List<ExecutorSlots> executors, Throwable failure) implements Command {}

  public static Behavior<Command> create(MainContext<SqlMain.Command> main, ActorRef<JobLedger.Command> ledger) {
    return Behaviors.setup(ctx -> new CoordinatorHub(ctx, main, ledger).behavior());
  }

  private final ActorContext<Command> ctx;
  private final MainContext<SqlMain.Command> main;
  private final ActorRef<JobLedger.Command> ledger;
  private final Map<String, ActorRef<JobManager.Command>> followers = new HashMap<>();
  /** The registry listings asked after changes; only the latest is sent on. */
  private long listings;

  private CoordinatorHub(ActorContext<Command> ctx, MainContext<SqlMain.Command> main, ActorRef<JobLedger.Command> ledger) {
    this.ctx = ctx;
    this.main = main;
    this.ledger = ledger;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Follow.class, f -> {
          // a follower from now on, so that no change of the registry while it is listed passes it by
          ActorRef<JobManager.Command> earlier = followers.put(f.node(), f.coordinator());
          if (earlier != null && !earlier.equals(f.coordinator())) {
            ctx.unwatch(earlier);
          }
          ctx.watchWith(f.coordinator(), new Gone(f.node(), f.coordinator()));
          ctx.pipeToSelf(main.executors(), (list, failure) -> new Listed(f, list, failure));
          return Behaviors.same();
        })
        .onMessage(Refreshed.class, r -> {
          if (r.failure() == null && r.listing() == listings) {
            followers.values().forEach(f -> f.tell(new JobManager.ExecutorsNow(r.executors())));
          }
          return Behaviors.same();
        })
        .onMessage(Listed.class, this::listed)
        .onMessage(Relay.class, r -> {
          main.tellExecutor(r.executor(), r.command());
          return Behaviors.same();
        })
        .onMessage(CancelOn.class, c -> {
          ActorRef<JobManager.Command> follower = followers.get(c.node());
          if (follower == null) {
            c.replyTo().tell(new JobReply.Conflict("job " + c.job() + " runs on coordinator " + c.node()
                + ", which does not follow this main now"));
          } else {
            follower.tell(new JobManager.Cancel(c.job(), c.replyTo()));
          }
          return Behaviors.same();
        })
        .onMessage(ExecutorsChanged.class, c -> {
          JobManager.Command news = c.change() instanceof ExecutorChange.Lost lost
              ? new JobManager.ExecutorLost(lost.node(), lost.why())
              : new JobManager.ExecutorJoined(((ExecutorChange.Joined) c.change()).executor());
          followers.values().forEach(f -> f.tell(news));
          // then the whole registry as it is after the change: what a follower listed meanwhile may be older
          long listing = ++listings;
          ctx.pipeToSelf(main.executors(), (list, failure) -> new Refreshed(listing, list, failure));
          return Behaviors.same();
        })
        .onMessage(Gone.class, g -> {
          // a node restarted at the same address has the same ref: the old one's end may be signalled for it
          if (g.coordinator().equals(followers.get(g.node()))) {
            ctx.ask(JobManager.Here.class, g.coordinator(), CONFIRM, JobManager.Alive::new,
                (here, failure) -> new Confirmed(g.node(), g.coordinator(), failure == null));
          }
          return Behaviors.same();
        })
        .onMessage(Confirmed.class, c -> {
          if (c.alive()) {
            ctx.watchWith(c.coordinator(), new Gone(c.node(), c.coordinator()));
          } else if (followers.remove(c.node(), c.coordinator())) {
            Gone g = new Gone(c.node(), c.coordinator());
            log.info("node {} epoch {}: coordinator {} left; its unfinished jobs are lost", main.node(), main.epoch(),
                g.node());
            ledger.tell(new JobLedger.CoordinatorLost(g.node(), "left the cluster"));
          }
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> listed(Listed listed) {
    Follow f = listed.follow();
    if (listed.failure() != null) {
      log.warn("node {} epoch {}: coordinator {} not followed yet, the executor registry did not answer: {}",
          main.node(), main.epoch(), f.node(), listed.failure().toString());
      return Behaviors.same(); // the coordinator asks again when its ask times out
    }
    ledger.tell(new JobLedger.Claim(f.node(), f.live()));
    log.info("node {} epoch {}: coordinator {} follows this main ({} jobs running, {} executors)", main.node(),
        main.epoch(), f.node(), f.live().size(), listed.executors().size());
    f.replyTo().tell(new Following(main.self(), main.epoch(), listed.executors()));
    return Behaviors.same();
  }
}
