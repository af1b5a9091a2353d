package io.mainstay.actors.fragment;

import io.mainstay.actors.executor.Executor;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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

  /** The registry dropped this executor: its fragment will never answer. */
  public record ExecutorLost(String node, String why) implements Command {}

  private record Outcome(FragmentOutcome outcome) implements Command {}

  private record Deadline() implements Command {}

  private final long epoch;
  private final ActorRef<ProbeReply> replyTo;
  private final Map<String, Long> sentAtNanos = new HashMap<>();
  private final Map<String, String> fragmentIds = new HashMap<>();
  private final Map<String, ProbeReply.Answer> answers = new HashMap<>();

  public static Behavior<Command> create(
      long epoch, Map<String, ActorRef<Executor.Command>> executors, ProbeRequest request) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(new Deadline(), request.deadline());
                  return new ProbeRound(ctx, epoch, executors, request).finishIfComplete();
                }));
  }

  private ProbeRound(
      ActorContext<Command> context,
      long epoch,
      Map<String, ActorRef<Executor.Command>> executors,
      ProbeRequest request) {
    super(context);
    context.setLoggerName(ProbeRound.class);
    this.epoch = epoch;
    this.replyTo = request.replyTo();
    ActorRef<FragmentOutcome> outcomes = context.messageAdapter(FragmentOutcome.class, Outcome::new);
    executors.forEach(
        (node, executor) -> {
          String id = "probe-" + UUID.randomUUID();
          fragmentIds.put(node, id);
          sentAtNanos.put(node, System.nanoTime());
          executor.tell(new Executor.RunFragment(id, epoch, request.hold().toMillis(), outcomes));
        });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Outcome.class, o -> onOutcome(o.outcome()))
        .onMessage(ExecutorLost.class, lost -> answer(lost.node(), Optional.empty(), Optional.of(lost.why())))
        .onMessage(Deadline.class, this::onDeadline)
        .build();
  }

  private Behavior<Command> onOutcome(FragmentOutcome outcome) {
    if (outcome.epoch() != epoch || !outcome.fragmentId().equals(fragmentIds.get(outcome.node()))) {
      getContext().getLog().info(
          "epoch {}: dropping fragment result {} of epoch {} from {}", epoch, outcome.fragmentId(), outcome.epoch(), outcome.node());
      return this;
    }
    if (outcome instanceof FragmentOutcome.Succeeded ok) {
      return answer(ok.node(), Optional.of(ok.result()), Optional.empty());
    }
    if (outcome instanceof FragmentOutcome.Failed failed) {
      return answer(failed.node(), Optional.empty(), Optional.of(failed.error()));
    }
    throw new IllegalArgumentException("unknown fragment outcome " + outcome);
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
      answers.put(node, new ProbeReply.Answer(node, result, error, roundTripMillis));
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
    List<ProbeReply.Answer> sorted =
        answers.values().stream().sorted(Comparator.comparing(ProbeReply.Answer::node)).toList();
    replyTo.tell(new ProbeReply.Report(epoch, sorted));
    return Behaviors.stopped();
  }
}
