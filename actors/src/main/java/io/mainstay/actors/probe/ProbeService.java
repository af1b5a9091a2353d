package io.mainstay.actors.probe;

import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.extension.MainContext;
import io.mainstay.extension.MainService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The main's half of the probe: each request becomes a {@link ProbeRound} over the executors registered
 * at this main's epoch, sent through the runtime (which stamps the epoch), and told at once when one of
 * them leaves the registry. Built on the extension API alone.
 */
public final class ProbeService implements MainService<ProbeService.Command> {

  public sealed interface Command {}

  /**
   * Probe every registered executor.
   *
   * @param deadline by when every executor has an answer line, result or not
   * @param hold how long each executor keeps the fragment running before it answers: zero for a health
   *     reading, longer for a drill that needs fragments in flight (e.g. killing an executor mid-fragment)
   */
  public record Run(Duration deadline, Duration hold, ActorRef<ProbeReport> replyTo) implements Command {}

  private record Listed(Run run, List<ExecutorSlots> executors, Throwable failure) implements Command {}

  private record Lost(String node, String why) implements Command {}

  private record RoundEnded(ActorRef<ProbeRound.Command> round) implements Command {}

  @Override
  public Behavior<Command> create(MainContext<Command> main) {
    return Behaviors.setup(ctx -> {
      Set<ActorRef<ProbeRound.Command>> rounds = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Run.class, run -> {
            ctx.pipeToSelf(main.executors(), (executors, failure) -> new Listed(run, executors, failure));
            return Behaviors.same();
          })
          .onMessage(Listed.class, listed -> {
            Run run = listed.run();
            List<String> nodes = listed.failure() == null
                ? listed.executors().stream().map(ExecutorSlots::node).toList()
                : List.of();
            if (listed.failure() != null) {
              ctx.getLog().warn("node {} epoch {}: probe without executors: the registry did not answer: {}",
                  main.node(), main.epoch(), listed.failure().toString());
            }
            ActorRef<ProbeRound.Command> round = ctx.spawnAnonymous(
                ProbeRound.create(main.epoch(), nodes, main::tellExecutor, run.deadline(), run.hold(), run.replyTo()));
            rounds.add(round);
            ctx.watchWith(round, new RoundEnded(round));
            return Behaviors.same();
          })
          .onMessage(Lost.class, lost -> {
            rounds.forEach(round -> round.tell(new ProbeRound.ExecutorLost(lost.node(), "executor dropped: " + lost.why())));
            return Behaviors.same();
          })
          .onMessage(RoundEnded.class, ended -> {
            rounds.remove(ended.round());
            return Behaviors.same();
          })
          .build();
    });
  }

  @Override
  public Optional<Command> onExecutorChange(ExecutorChange change) {
    return change instanceof ExecutorChange.Lost lost ? Optional.of(new Lost(lost.node(), lost.why())) : Optional.empty();
  }
}
