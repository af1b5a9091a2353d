package io.mainstay.actors;

import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.actors.probe.ProbeFragment;
import io.mainstay.actors.probe.ProbeOutcome;
import io.mainstay.actors.probe.ProbeResult;
import io.mainstay.actors.supervision.ServiceSupervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Writes and reads back one of each message that crosses nodes. The first CBOR message of a JVM builds
 * Jackson's mapper (with its Scala module) and each message class its serializer: hundreds of
 * milliseconds on a loaded machine, which a new main otherwise pays in the middle of a failover, when it
 * asks the executors to register.
 */
public final class SerializationWarmUp {

  private SerializationWarmUp() {}

  /** Runs the warm-up; {@code ref} stands in for the actor references the messages carry. Returns how long it took. */
  public static Duration run(ActorSystem<?> system, ActorRef<?> ref) {
    long start = System.nanoTime();
    Serialization serialization = SerializationExtension.get(system);
    for (Object sample : samples(ref)) {
      // Serialization's own methods set the transport information that actor references need
      Serializer serializer = serialization.findSerializerFor(sample);
      byte[] bytes = serialization.serialize(sample).get();
      serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, sample)).get();
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static List<Object> samples(ActorRef<?> ref) {
    String node = "warm-up";
    ProbeResult probe = new ProbeResult(1, 1, 1, "/", 0.0, 1);
    ServiceBoard.ExtensionState extension = new ServiceBoard.ExtensionState(node, node, List.of(
        new ServiceBoard.ServiceState("executor", ServiceSupervisor.State.RUNNING, 0, Optional.of(node))));
    return List.of(
        new Executor.ReRegister(0, node, ref.unsafeUpcast()),
        new Executor.Registered(0, node),
        new Executor.ExtensionCommand(0, node, node, new byte[] {1}, 0, node),
        new ProbeFragment.Measure(node, 0, 0, ref.unsafeUpcast()),
        new ExecutorRegistry.Register(node, node, 1, ref.unsafeUpcast()),
        new ExecutorRegistry.Heartbeat(node, 0, ref.unsafeUpcast(), List.of(extension)),
        new ExecutorRegistry.ListExecutors(ref.unsafeUpcast()),
        new ExecutorRegistry.ExecutorList(
            0, List.of(new ExecutorRegistry.ExecutorInfo(node, node, 1, 0, ExecutorRegistry.ExecutorState.REGISTERED, Instant.EPOCH, List.of(extension)))),
        new ProbeOutcome.Succeeded(node, node, 0, probe),
        new ProbeOutcome.Failed(node, node, 0, "warm-up"));
  }
}
