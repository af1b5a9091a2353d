package io.mainstay.actors.probe;

import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.Failures;
import io.mainstay.extension.ExecutorContext;
import io.mainstay.extension.ExecutorService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The executor's half of the probe: a health reading of this executor (heap, disk under {@code
 * paths.local}, load), taken after holding the fragment {@code holdMillis} (a drill that needs work in
 * flight), off the actor's thread. A fragment finishes even if its main died meanwhile; the new main drops
 * a result of another epoch.
 */
public final class ProbeFragment {

  /** One fragment from the main's probe round; crosses nodes. */
  public record Measure(String fragmentId, long epoch, long holdMillis, ActorRef<ProbeOutcome> replyTo)
      implements CborSerializable {}

  private record Due(Measure measure) {}

  private record Done(Measure measure, ProbeOutcome outcome) {}

  private ProbeFragment() {}

  static final class Service implements ExecutorService<Measure> {
    @Override
    public Class<Measure> commandType() {
      return Measure.class;
    }

    @Override
    public Behavior<Measure> create(ExecutorContext context) {
      return Behaviors.<Object>setup(ctx -> {
            var blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
            return Behaviors.withTimers(timers -> Behaviors.receive(Object.class)
                .onMessage(Measure.class, measure -> {
                  timers.startSingleTimer(measure.fragmentId(), new Due(measure), Duration.ofMillis(measure.holdMillis()));
                  return Behaviors.same();
                })
                .onMessage(Due.class, due -> {
                  Measure measure = due.measure();
                  ctx.pipeToSelf(
                      CompletableFuture.supplyAsync(() -> measure(context.localPath()), blocking),
                      (result, failure) -> new Done(measure, failure == null
                          ? new ProbeOutcome.Succeeded(measure.fragmentId(), context.node(), measure.epoch(), result)
                          : new ProbeOutcome.Failed(
                              measure.fragmentId(), context.node(), measure.epoch(), Failures.unwrap(failure).toString())));
                  return Behaviors.same();
                })
                .onMessage(Done.class, done -> {
                  done.measure().replyTo().tell(done.outcome());
                  return Behaviors.same();
                })
                .build());
          })
          .narrow();
    }
  }

  static ProbeResult measure(Path localPath) {
    Runtime runtime = Runtime.getRuntime();
    long usedHeap = runtime.totalMemory() - runtime.freeMemory();
    try {
      return new ProbeResult(
          runtime.maxMemory() - usedHeap,
          runtime.maxMemory(),
          Files.getFileStore(localPath).getUsableSpace(),
          localPath.toString(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          runtime.availableProcessors());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the free space of " + localPath, e);
    }
  }
}
