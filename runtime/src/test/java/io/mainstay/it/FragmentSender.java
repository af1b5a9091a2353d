package io.mainstay.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.extension.ExtensionCommands;
import io.mainstay.actors.probe.ProbeExtension;
import io.mainstay.actors.probe.ProbeFragment;
import io.mainstay.actors.probe.ProbeOutcome;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Plays a main of any epoch toward a live executor: an actor system in the test JVM that sends the probe
 * extension's fragment, in the runtime's epoch-stamped {@link Executor.ExtensionCommand}, over Artery to
 * {@code <executor address>/user/executor} and waits for the {@link ProbeOutcome}. It uses plain remoting, not cluster membership: a tell and its reply need no
 * membership, and a member that left the test JVM would linger as unreachable and hold up the cluster
 * the test goes on using. Messages travel as Jackson CBOR with the bindings of the actors module's
 * reference.conf, Java serialization off, exactly as between nodes.
 */
public final class FragmentSender implements AutoCloseable {

  private final ActorSystem<Void> system;

  private FragmentSender(ActorSystem<Void> system) {
    this.system = system;
  }

  /** Starts the actor system on a free loopback port. */
  public static FragmentSender start() {
    Config config = ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", "remote",
            "pekko.actor.allow-java-serialization", "off",
            "pekko.remote.artery.transport", "tcp",
            "pekko.remote.artery.canonical.hostname", Loopback.HOST,
            "pekko.remote.artery.canonical.port", Loopback.freePort(),
            "pekko.loggers", List.of("org.apache.pekko.event.slf4j.Slf4jLogger"),
            "pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"))
        .withFallback(ConfigFactory.load());
    return new FragmentSender(ActorSystem.create(Behaviors.empty(), "fragment-sender", config));
  }

  /**
   * Sends fragment {@code fragmentId} stamped with {@code epoch} to the executor at {@code executorAddress}
   * (its Pekko address, as {@code /api/v1/cluster} lists it) and returns its outcome, or empty when none
   * came within {@code timeout} (the executor refused it).
   */
  public Optional<ProbeOutcome> run(String executorAddress, String fragmentId, long epoch, Duration timeout) {
    ActorRef<Executor.Command> executor =
        ActorRefResolver.get(system).resolveActorRef(ActorPaths.executor(executorAddress));
    try {
      return Optional.of(AskPattern.<Executor.Command, ProbeOutcome>ask(
              executor,
              replyTo -> ExtensionCommands.wrap(
                  system, epoch, "fragment-sender", ProbeExtension.NAME, new ProbeFragment.Measure(fragmentId, epoch, 0, replyTo)),
              timeout,
              system.scheduler())
          .toCompletableFuture()
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for fragment " + fragmentId, e);
    }
  }

  /** Terminates the actor system and waits until it has. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(Await.GENEROUS.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the fragment sender's actor system did not terminate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while terminating the fragment sender", e);
    }
  }
}
