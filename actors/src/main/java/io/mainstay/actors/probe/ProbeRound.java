package io.mainstay.actors.probe;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One fan-out of the probe fragment to a fixed set of executors: every executor gets an answer line by
 * the deadline, a result, its failure, or why none came. Outcomes stamped with another epoch are dropped.
 */
public final class ProbeRound extends AbstractBehavior<ProbeRound.Command> {

  public sealed interface Command {}

  /** The executor left the main's registry: its fragment will never answer. */
  public record ExecutorLost(String node, String why) implements Command {}

  private record Outcome(ProbeOutcome outcome) implements Command {}

  private record Deadline() implements Command {}

  private final long epoch;
  private final ActorRef<ProbeReport> replyTo;
  private final Map<String, Long> sentAtNanos = new HashMap<>();
  private final Map<String, String> fragmentIds = new HashMap<>();
  private final Map<String, ProbeReport.Answer> answers = new HashMap<>();

  /**
   * @param send hands a fragment to the executor of that name (the runtime stamps the epoch on the way)
   */
  public static Behavior<Command> create(
      long epoch,
      List<String> executors,
      BiConsumer<String, ProbeFragment.Measure> send,
      Duration deadline,
      Duration hold,
      ActorRef<ProbeReport> replyTo) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(new Deadline(), deadline);
                  return new ProbeRound(ctx, epoch, executors, send, hold, replyTo).finishIfComplete();
                }));
  }

  private ProbeRound(
      ActorContext<Command> context,
      long epoch,
      List<String> executors,
      BiConsumer<String, ProbeFragment.Measure> send,
      Duration hold,
      ActorRef<ProbeReport> replyTo) {
    super(context);
    context.setLoggerName(ProbeRound.class);
    this.epoch = epoch;
    this.replyTo = replyTo;
    ActorRef<ProbeOutcome> outcomes = context.messageAdapter(ProbeOutcome.class, Outcome::new);
    for (String node : executors) {
      String id = "probe-" + UUID.randomUUID();
      fragmentIds.put(node, id);
      sentAtNanos.put(node, System.nanoTime());
      send.accept(node, new ProbeFragment.Measure(id, epoch, hold.toMillis(), outcomes));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Outcome.class, o -> onOutcome(o.outcome()))
        .onMessage(ExecutorLost.class, lost -> answer(lost.node(), Optional.empty(), Optional.of(lost.why())))
        .onMessage(Deadline.class, this::onDeadline)
        .build();
  }

  private Behavior<Command> onOutcome(ProbeOutcome outcome) {
    if (outcome.epoch() != epoch || !outcome.fragmentId().equals(fragmentIds.get(outcome.node()))) {
      getContext().getLog().info(
          "epoch {}: dropping fragment result {} of epoch {} from {}", epoch, outcome.fragmentId(), outcome.epoch(), outcome.node());
      return this;
    }
    if (outcome instanceof ProbeOutcome.Succeeded ok) {
      return answer(ok.node(), Optional.of(ok.result()), Optional.empty());
    }
    ProbeOutcome.Failed failed = (ProbeOutcome.Failed) outcome;
    return answer(failed.node(), Optional.empty(), Optional.of(failed.error()));
  }

  private Behavior<Command> answer(String node, Optional<ProbeResult> result, Optional<String> error) {
    record(node, result, error);
    return finishIfComplete();
  }

  /** The first word about an executor is final: a late result does not overwrite "lost" or "timed out". */
  private void record(String node, Optional<ProbeResult> result, Optional<String> error) {
    Long sentAt = sentAtNanos.get(node);
    if (sentAt != null && !answers.containsKey(node)) {
      long roundTripMillis = Duration.ofNanos(System.nanoTime() - sentAt).toMillis();
      answers.put(node, new ProbeReport.Answer(node, result, error, roundTripMillis));
    }
  }

  private Behavior<Command> onDeadline(Deadline deadline) {
    sentAtNanos.keySet().forEach(node -> record(node, Optional.empty(), Optional.of("no answer within the deadline")));
    return finishIfComplete();
  }

  private Behavior<Command> finishIfComplete() {
    if (answers.size() < sentAtNanos.size()) {
      return this;
    }
    List<ProbeReport.Answer> sorted =
        answers.values().stream().sorted(Comparator.comparing(ProbeReport.Answer::node)).toList();
    replyTo.tell(new ProbeReport(epoch, sorted));
    return Behaviors.stopped();
  }
}
