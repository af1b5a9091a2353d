package io.mainstay.actors.executor;

import com.typesafe.config.Config;
import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.extension.ExtensionCommands;
import io.mainstay.actors.extension.Extensions;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.extension.ExecutorContext;
import io.mainstay.extension.Extension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * An executor: works for the main with the highest epoch it has seen, and never for an older one. It
 * registers with a new main as soon as it hears of it, from its node's ZooKeeper watch ({@link
 * MainChanged}) or from the main itself ({@link ReRegister}), whichever comes first, then heartbeats it.
 */
public final class Executor extends AbstractBehavior<Executor.Command> {

  public sealed interface Command {}

  /** From this node's supervisor: the ZooKeeper {@code main} record changed. */
  public record MainChanged(Optional<MainRecord> main) implements Command {}

  /** From a (new) main: register with me. */
  public record ReRegister(long epoch, String mainNode, ActorRef<ExecutorRegistry.Command> registry)
      implements Command, CborSerializable {}

  /** The main's acknowledgement of a registration, with its epoch. */
  public record Registered(long epoch, String mainNode) implements Command, CborSerializable {}

  /**
   * An extension's command from the main of {@code epoch}, for that extension's executor service: its
   * payload is the command in Pekko's serialization ({@link io.mainstay.actors.extension.ExtensionCommands}).
   */
  public record ExtensionCommand(
      long epoch, String mainNode, String extension, byte[] payload, int serializerId, String manifest)
      implements Command, CborSerializable {}

  /** Asks for this executor's view, for tests and diagnostics. */
  public record GetState(ActorRef<State> replyTo) implements Command {}

  public record State(long highestEpoch, long registeredEpoch, Optional<String> mainNode) {}

  private record RegisterTick() implements Command {}

  private record HeartbeatTick() implements Command {}

  /** Timings: heartbeats must come well within the main's heartbeat timeout. */
  public record Settings(Duration registerRetry, Duration heartbeatInterval) {
    public static Settings defaults() {
      return new Settings(Duration.ofMillis(500), Duration.ofMillis(500));
    }
  }

  private final String node;
  private final String address;
  private final int slots;
  private final Settings settings;
  private final TimerScheduler<Command> timers;

  private long highestEpoch;
  private long registeredEpoch;
  private Optional<String> mainNode = Optional.empty();
  private Optional<ActorRef<ExecutorRegistry.Command>> registry = Optional.empty();
  private final Map<String, ExtensionService> services = new HashMap<>();
  private final ServiceBoard board;

  /** An extension's executor service: its supervisor, and the command type the runtime checks. */
  private record ExtensionService(ActorRef<Object> supervisor, Class<?> commandType) {}

  public static Behavior<Command> create(String node, String address, int slots, Path localPath, Settings settings) {
    return create(node, address, slots, localPath, settings, Extensions.none(), new ServiceBoard(List.of()));
  }

  /** @param extensions whose executor services run here under supervision, reporting to {@code board} */
  public static Behavior<Command> create(
      String node, String address, int slots, Path localPath, Settings settings, Extensions extensions, ServiceBoard board) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new Executor(ctx, timers, node, address, slots, localPath, settings, extensions, board)));
  }

  private Executor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String node,
      String address,
      int slots,
      Path localPath,
      Settings settings,
      Extensions extensions,
      ServiceBoard board) {
    super(context);
    context.setLoggerName(Executor.class);
    this.node = node;
    this.address = address;
    this.slots = slots;
    this.settings = settings;
    this.timers = timers;
    this.board = board;
    timers.startTimerWithFixedDelay(new HeartbeatTick(), settings.heartbeatInterval());
    ExecutorContext serviceContext = new ExecutorContext() {
      @Override
      public String node() {
        return node;
      }

      @Override
      public int slots() {
        return slots;
      }

      @Override
      public Path localPath() {
        return localPath;
      }

      @Override
      public Config config() {
        return extensions.config();
      }
    };
    for (Extension extension : extensions.list()) {
      extension.executorService().ifPresent(service -> {
        ActorRef<Object> supervisor =
            extensions.spawn(context, "node " + node, extension, "executor", self -> service.create(serviceContext), board);
        services.put(extension.name(), new ExtensionService(supervisor, service.commandType()));
      });
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MainChanged.class, this::onMainChanged)
        .onMessage(ReRegister.class, this::onReRegister)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegisterTick.class, tick -> sendRegistration())
        .onMessage(HeartbeatTick.class, this::onHeartbeatTick)
        .onMessage(ExtensionCommand.class, this::onExtensionCommand)
        .onMessage(GetState.class, this::onGetState)
        .build();
  }

  private Behavior<Command> onMainChanged(MainChanged changed) {
    if (changed.main().isEmpty()) {
      return this;
    }
    MainRecord main = changed.main().get();
    ActorRef<ExecutorRegistry.Command> ref =
        ActorRefResolver.get(getContext().getSystem()).resolveActorRef(ActorPaths.registry(main.pekkoAddress()));
    return follow(main.epoch(), main.node(), ref, "its ZooKeeper record");
  }

  private Behavior<Command> onReRegister(ReRegister reRegister) {
    if (reRegister.epoch() == registeredEpoch && reRegister.epoch() == highestEpoch && registry.isPresent()) {
      // The main we are registered with asks again: it dropped us (heartbeats late, or our ZooKeeper
      // record vanished with an expired session). Ignoring it would leave us out of its registry for good.
      getContext().getLog().info(
          "node {} epoch {}: main {} no longer lists this executor; registering again",
          node, registeredEpoch, reRegister.mainNode());
      registeredEpoch = 0;
    }
    return follow(reRegister.epoch(), reRegister.mainNode(), reRegister.registry(), "the main's request");
  }

  /** Switch to the main of {@code epoch} unless it is older than one already seen. */
  private Behavior<Command> follow(long epoch, String main, ActorRef<ExecutorRegistry.Command> ref, String source) {
    if (epoch < highestEpoch) {
      getContext().getLog().warn(
          "node {} epoch {}: ignoring main {} at older epoch {} (from {})", node, highestEpoch, main, epoch, source);
      return this;
    }
    if (epoch == registeredEpoch && registry.isPresent()) {
      return this;
    }
    highestEpoch = epoch;
    mainNode = Optional.of(main);
    registry = Optional.of(ref);
    getContext().getLog().info("node {} epoch {}: registering with main {} (learned from {})", node, epoch, main, source);
    return sendRegistration();
  }

  private Behavior<Command> sendRegistration() {
    if (registeredEpoch == highestEpoch) {
      return this;
    }
    registry.ifPresent(ref -> ref.tell(new ExecutorRegistry.Register(node, address, slots, getContext().getSelf())));
    timers.startSingleTimer(new RegisterTick(), settings.registerRetry());
    return this;
  }

  private Behavior<Command> onRegistered(Registered registered) {
    if (registered.epoch() < highestEpoch) {
      getContext().getLog().warn(
          "node {} epoch {}: ignoring registration ack of older epoch {} from {}",
          node, highestEpoch, registered.epoch(), registered.mainNode());
      return this;
    }
    highestEpoch = registered.epoch();
    registeredEpoch = registered.epoch();
    mainNode = Optional.of(registered.mainNode());
    timers.cancel(new RegisterTick());
    getContext().getLog().info(
        "node {} epoch {}: registered with main {} ({} slots)", node, registeredEpoch, registered.mainNode(), slots);
    return this;
  }

  private Behavior<Command> onHeartbeatTick(HeartbeatTick tick) {
    if (registeredEpoch > 0 && registeredEpoch == highestEpoch) {
      registry.ifPresent(ref -> ref.tell(new ExecutorRegistry.Heartbeat(node, registeredEpoch, getContext().getSelf(), board.snapshot())));
    }
    return this;
  }

  /** The fence the extension cannot forget: a command of a main older than the newest seen never arrives. */
  private Behavior<Command> onExtensionCommand(ExtensionCommand command) {
    if (command.epoch() < highestEpoch) {
      getContext().getLog().warn(
          "node {} epoch {}: refusing a command of extension {} from main {} at older epoch {}",
          node, highestEpoch, command.extension(), command.mainNode(), command.epoch());
      return this;
    }
    highestEpoch = command.epoch();
    ExtensionService service = services.get(command.extension());
    if (service == null) {
      getContext().getLog().warn(
          "node {} epoch {}: dropping a command of extension {}: no executor service of that name runs here",
          node, highestEpoch, command.extension());
      return this;
    }
    Object payload;
    try {
      payload = ExtensionCommands.unwrap(getContext().getSystem(), command);
    } catch (Exception e) { // Pekko's Try rethrows its serializer's checked exceptions
      getContext().getLog().warn(
          "node {} epoch {}: dropping a command of extension {} that cannot be read: {}",
          node, highestEpoch, command.extension(), e.toString());
      return this;
    }
    if (!service.commandType().isInstance(payload)) {
      getContext().getLog().warn(
          "node {} epoch {}: dropping a {} for extension {}, whose executor service takes {}",
          node, highestEpoch, payload.getClass().getName(), command.extension(), service.commandType().getName());
      return this;
    }
    service.supervisor().tell(payload);
    return this;
  }

  private Behavior<Command> onGetState(GetState get) {
    get.replyTo().tell(new State(highestEpoch, registeredEpoch, mainNode));
    return this;
  }
}
