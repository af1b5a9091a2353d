package io.mainstay.actors.executor;

import com.fasterxml.jackson.annotation.JsonValue;
import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.ExecutorSlots;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The main's registry of executors. On start it asks every executor it knows of to register, so no
 * executor waits on its own ZooKeeper watch; it drops executors whose heartbeats stop or whose ZooKeeper
 * record vanished, and tells {@code changes} of every executor that joins or leaves it.
 */
public final class ExecutorRegistry extends AbstractBehavior<ExecutorRegistry.Command> {

  public sealed interface Command {}

  public record Register(String node, String address, int slots, ActorRef<Executor.Command> executor)
      implements Command, CborSerializable {}

  /** Every heartbeat carries the health of the executor's extension services, for {@code /api/v1/cluster}. */
  public record Heartbeat(
      String node, long epoch, ActorRef<Executor.Command> executor, List<ServiceBoard.ExtensionState> extensions)
      implements Command, CborSerializable {}

  public record ListExecutors(ActorRef<ExecutorList> replyTo) implements Command, CborSerializable {}

  public record ExecutorList(long epoch, List<ExecutorInfo> executors) implements CborSerializable {}

  /**
   * One executor as the main sees it; {@code epoch} is the epoch it registered with, {@code extensions} its
   * extension services as its last heartbeat reported them (none before the first).
   */
  public record ExecutorInfo(
      String node,
      String address,
      int slots,
      long epoch,
      ExecutorState state,
      Instant lastHeartbeat,
      List<ServiceBoard.ExtensionState> extensions)
      implements CborSerializable {}

  /**
   * Where an executor stands with this registry. Only registered executors are listed today: one whose
   * heartbeats stop or whose ZooKeeper record vanishes is dropped from the list, and asked to register
   * again if it still heartbeats. Written as the lowercase name, on the wire and in /api/v1/cluster.
   */
  public enum ExecutorState {
    REGISTERED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The live nodes from ZooKeeper: executors among them are asked to register, others dropped. */
  public record LiveNodes(List<NodeRecord> nodes) implements Command {}

  /** An extension's command for one executor; dropped (and logged) unless it is registered with this main. */
  public record Deliver(String executorNode, Executor.ExtensionCommand command) implements Command {}

  private record CheckHeartbeats() implements Command {}

  public record Settings(Duration heartbeatTimeout) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(3));
    }
  }

  private record Entry(ExecutorInfo info, ActorRef<Executor.Command> ref, long lastHeartbeatNanos) {}

  private final String mainNode;
  private final long epoch;
  private final Settings settings;
  private final Map<String, Entry> executors = new HashMap<>();
  private final ActorRef<ExecutorChange> changes;
  private Set<String> asked = Set.of();

  /** @param changes told of every executor that joins or leaves this registry */
  public static Behavior<Command> create(
      String mainNode, long epoch, List<NodeRecord> liveNodes, Settings settings, ActorRef<ExecutorChange> changes) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new ExecutorRegistry(ctx, timers, mainNode, epoch, liveNodes, settings, changes)));
  }

  private ExecutorRegistry(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String mainNode,
      long epoch,
      List<NodeRecord> liveNodes,
      Settings settings,
      ActorRef<ExecutorChange> changes) {
    super(context);
    context.setLoggerName(ExecutorRegistry.class);
    this.mainNode = mainNode;
    this.epoch = epoch;
    this.settings = settings;
    this.changes = changes;
    timers.startTimerWithFixedDelay(new CheckHeartbeats(), settings.heartbeatTimeout().dividedBy(4));
    askToRegister(liveNodes);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Heartbeat.class, this::onHeartbeat)
        .onMessage(ListExecutors.class, this::onList)
        .onMessage(LiveNodes.class, this::onLiveNodes)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(CheckHeartbeats.class, this::onCheckHeartbeats)
        .build();
  }

  private Behavior<Command> onRegister(Register register) {
    Instant now = Instant.now();
    Entry previous = executors.get(register.node());
    List<ServiceBoard.ExtensionState> extensions = previous == null ? List.of() : previous.info().extensions();
    ExecutorInfo info =
        new ExecutorInfo(register.node(), register.address(), register.slots(), epoch, ExecutorState.REGISTERED, now, extensions);
    previous = executors.put(register.node(), new Entry(info, register.executor(), System.nanoTime()));
    if (previous == null || !previous.ref().equals(register.executor())) {
      getContext().getLog().info(
          "node {} epoch {}: executor {} registered ({} slots, {})",
          mainNode, epoch, register.node(), register.slots(), register.address());
      changes.tell(new ExecutorChange.Joined(new ExecutorSlots(register.node(), register.slots())));
    }
    register.executor().tell(new Executor.Registered(epoch, mainNode));
    return this;
  }

  private Behavior<Command> onHeartbeat(Heartbeat heartbeat) {
    Entry entry = executors.get(heartbeat.node());
    if (entry == null || heartbeat.epoch() != epoch) {
      // an executor we do not know (we dropped it, or it still follows an old main): ask it to register
      heartbeat.executor().tell(new Executor.ReRegister(epoch, mainNode, getContext().getSelf()));
      return this;
    }
    ExecutorInfo info = entry.info();
    ExecutorInfo beating =
        new ExecutorInfo(info.node(), info.address(), info.slots(), info.epoch(), info.state(), Instant.now(), heartbeat.extensions());
    executors.put(heartbeat.node(), new Entry(beating, entry.ref(), System.nanoTime()));
    return this;
  }

  private Behavior<Command> onList(ListExecutors list) {
    List<ExecutorInfo> infos =
        executors.values().stream().map(Entry::info).sorted(Comparator.comparing(ExecutorInfo::node)).toList();
    list.replyTo().tell(new ExecutorList(epoch, infos));
    return this;
  }

  private Behavior<Command> onLiveNodes(LiveNodes live) {
    Set<String> liveNames = live.nodes().stream().map(NodeRecord::node).collect(Collectors.toSet());
    executors.keySet().stream()
        .filter(node -> !liveNames.contains(node))
        .toList()
        .forEach(node -> drop(node, "its ZooKeeper record vanished"));
    askToRegister(live.nodes());
    return this;
  }

  /** Executors that appeared in ZooKeeper since we last asked get a ReRegister of their own. */
  private void askToRegister(List<NodeRecord> liveNodes) {
    ActorRefResolver resolver = ActorRefResolver.get(getContext().getSystem());
    Set<String> executorsNow =
        liveNodes.stream().filter(n -> n.hasRole(NodeRecord.EXECUTOR)).map(NodeRecord::node).collect(Collectors.toSet());
    liveNodes.stream()
        .filter(n -> n.hasRole(NodeRecord.EXECUTOR) && !asked.contains(n.node()) && !executors.containsKey(n.node()))
        .forEach(
            n -> {
              ActorRef<Executor.Command> executor = resolver.resolveActorRef(ActorPaths.executor(n.pekkoAddress()));
              executor.tell(new Executor.ReRegister(epoch, mainNode, getContext().getSelf()));
            });
    asked = executorsNow;
  }

  private Behavior<Command> onCheckHeartbeats(CheckHeartbeats check) {
    long now = System.nanoTime();
    executors.entrySet().stream()
        .filter(e -> now - e.getValue().lastHeartbeatNanos() > settings.heartbeatTimeout().toNanos())
        .map(Map.Entry::getKey)
        .toList()
        .forEach(node -> drop(node, "no heartbeat for " + settings.heartbeatTimeout().toMillis() + " ms"));
    return this;
  }

  private void drop(String node, String why) {
    executors.remove(node);
    getContext().getLog().info("node {} epoch {}: executor {} dropped: {}", mainNode, epoch, node, why);
    changes.tell(new ExecutorChange.Lost(node, why));
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    Entry entry = executors.get(deliver.executorNode());
    if (entry == null) {
      getContext().getLog().warn(
          "node {} epoch {}: dropping a command of extension {} for {}: not registered with this main",
          mainNode, epoch, deliver.command().extension(), deliver.executorNode());
    } else {
      entry.ref().tell(deliver.command());
    }
    return this;
  }
}
