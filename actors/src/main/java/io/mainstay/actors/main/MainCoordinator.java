package io.mainstay.actors.main;

import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.extension.Extensions;
import io.mainstay.actors.extension.MainServices;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.actors.extension.ServiceLocation;
import io.mainstay.actors.storage.StoreCommand;
import io.mainstay.actors.storage.StoreReply;
import io.mainstay.actors.storage.StoreService;
import io.mainstay.extension.ExecutorChange;
import io.mainstay.store.MetadataStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The active main: exists only between "published in ZooKeeper" and the end of this node's term. It owns
 * the store-backed services and decides whether they may act: serving; fenced (ZooKeeper connection
 * suspended), when it refuses every request instead of serving from a position it cannot vouch for; and
 * stopping, when it refuses new work while the store service finishes what is queued and closes the store.
 *
 * <p>Its children fail in defined ways. The store service holds the store: if it ends other than by closing,
 * this main can no longer vouch for what the store holds, so the main stops and its supervisor ends the
 * process. The registry holds only soft state, rebuilt from ZooKeeper and the executors (a restarted
 * registry asks every executor to register again): it is restarted with backoff.
 */
public final class MainCoordinator {

  /** The dispatcher of the store-backed services: one thread, since LMDB serializes writers anyway. */
  public static final String STORE_DISPATCHER = "mainstay.store-dispatcher";

  public sealed interface Command {}

  /** A request on the store itself (the epoch history); services reach it through their own tables. */
  public record ServeStore(StoreCommand command) implements Command {}

  /** The live nodes as ZooKeeper sees them. */
  public record LiveNodes(List<NodeRecord> nodes) implements Command {}

  /** Where the main service of {@code extension} runs: here while serving. */
  public record LocateService(String extension, ActorRef<ServiceLocation> replyTo) implements Command {}

  /** Stop acting as main until {@link Resume}: the ZooKeeper connection is suspended. */
  public record Fence(String reason) implements Command {}

  public record Resume() implements Command {}

  /** Graceful end of the term: refuse new work, finish what is queued, close the store. */
  public record Stop(ActorRef<Stopped> replyTo) implements Command {}

  /** The store is closed; {@code problem} says what went wrong on the way, if anything did. */
  public record Stopped(Optional<String> problem) {}

  private record StoreClosed(StoreService.Closed closed, ActorRef<Stopped> replyTo) implements Command {}

  /** The store service ended: whether that is the close completing depends on when. */
  private record StoreEnded() implements Command {}

  private record ServiceEnded(String name) implements Command {}

  /** From the registry: the main services hear of it. */
  private record ExecutorChanged(ExecutorChange change) implements Command {}

  /** The main's timings; the backoff is that of every soft-state service restarted on failure. */
  public record Settings(
      Duration confirmTimeout,
      ExecutorRegistry.Settings registry,
      Duration restartMinBackoff,
      Duration restartMaxBackoff) {
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(5), ExecutorRegistry.Settings.defaults(), Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    public SupervisorStrategy restart() {
      return SupervisorStrategy.restartWithBackoff(restartMinBackoff, restartMaxBackoff, 0.2);
    }
  }


  private final ActorContext<Command> context;
  private final String node;
  private final long epoch;
  private final ActorRef<StoreService.Command> store;
  private final ActorRef<ExecutorRegistry.Command> registry;
  private final MainServices services;

  public static Behavior<Command> create(
      String node,
      long epoch,
      MetadataStore store,
      ClusterCoordination coordination,
      List<NodeRecord> liveNodes,
      Settings settings) {
    return create(node, epoch, store, coordination, liveNodes, settings, Extensions.none(), new ServiceBoard(List.of()));
  }

  /** @param extensions whose main services start now, at this epoch, under supervision */
  public static Behavior<Command> create(
      String node,
      long epoch,
      MetadataStore store,
      ClusterCoordination coordination,
      List<NodeRecord> liveNodes,
      Settings settings,
      Extensions extensions,
      ServiceBoard board) {
    return Behaviors.setup(
        ctx -> new MainCoordinator(ctx, node, epoch, store, coordination, liveNodes, settings, extensions, board).serving());
  }

  private MainCoordinator(
      ActorContext<Command> context,
      String node,
      long epoch,
      MetadataStore store,
      ClusterCoordination coordination,
      List<NodeRecord> liveNodes,
      Settings settings,
      Extensions extensions,
      ServiceBoard board) {
    context.setLoggerName(MainCoordinator.class);
    this.context = context;
    this.node = node;
    this.epoch = epoch;
    this.store =
        context.spawn(
            StoreService.create(node, store, epoch, coordination, settings.confirmTimeout()),
            "store",
            DispatcherSelector.fromConfig(STORE_DISPATCHER));
    context.watchWith(this.store, new StoreEnded());
    this.registry =
        context.spawn(
            Behaviors.supervise(ExecutorRegistry.create(
                    node, epoch, liveNodes, settings.registry(), context.messageAdapter(ExecutorChange.class, ExecutorChanged::new)))
                .onFailure(settings.restart()),
            ActorPaths.REGISTRY);
    context.watchWith(registry, new ServiceEnded("executor registry"));
    // a store write of a service waits for the batch's commit and confirmation
    this.services =
        new MainServices(context, node, epoch, extensions, board, this.store, registry, settings.confirmTimeout().multipliedBy(2));
  }

  private Behavior<Command> serving() {
    return whileMain(Behaviors.receive(Command.class))
        .onMessage(ServeStore.class, serve -> tell(store, serve.command()))
        .onMessage(Resume.class, resume -> Behaviors.same())
        .onMessage(LocateService.class, this::onLocateService)
        .build();
  }

  private Behavior<Command> onLocateService(LocateService locate) {
    locate.replyTo().tell(services.locate(locate.extension()));
    return Behaviors.same();
  }

  /** A fenced main commands no executor and writes nothing: it may already have been replaced. */
  private Behavior<Command> fenced(String reason) {
    return whileMain(refusing(reason)).onMessage(Resume.class, this::onResume).build();
  }

  /** What serving and fenced share: both are still this node's term. */
  private BehaviorBuilder<Command> whileMain(BehaviorBuilder<Command> receive) {
    return receive
        .onMessage(LiveNodes.class, this::onLiveNodes)
        .onMessage(ExecutorChanged.class, changed -> {
          services.executorChanged(changed.change());
          return Behaviors.same();
        })
        .onMessage(Fence.class, this::onFence)
        .onMessage(Stop.class, this::onStop)
        .onMessage(StoreEnded.class, ended -> ended("store service"))
        .onMessage(ServiceEnded.class, ended -> ended(ended.name()));
  }

  /** Queued writes finish in the store service, which then closes the store; the registry ending now is expected. */
  private Behavior<Command> stopping(ActorRef<Stopped> replyTo) {
    return refusing("main is stopping")
        .onMessage(StoreClosed.class, this::onStoreClosed)
        .onMessage(StoreEnded.class, ended -> onStoreEndedUnclosed(replyTo))
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private static BehaviorBuilder<Command> refusing(String reason) {
    return Behaviors.receive(Command.class)
        .onMessage(LocateService.class, locate -> tell(locate.replyTo(), ServiceLocation.unavailable(reason, Optional.empty())))
        .onMessage(ServeStore.class, serve -> tell(serve.command().replyTo(), new StoreReply.Unavailable(reason, Optional.empty())));
  }

  private Behavior<Command> onLiveNodes(LiveNodes live) {
    registry.tell(new ExecutorRegistry.LiveNodes(live.nodes()));
    return Behaviors.same();
  }

  private Behavior<Command> onFence(Fence fence) {
    context.getLog().info("node {} epoch {}: main fenced, refusing requests: {}", node, epoch, fence.reason());
    services.fence(fence.reason());
    return fenced(fence.reason());
  }

  private Behavior<Command> onResume(Resume resume) {
    context.getLog().info("node {} epoch {}: main resumes serving", node, epoch);
    services.resume();
    return serving();
  }

  private Behavior<Command> onStop(Stop stop) {
    context.getLog().info("node {} epoch {}: main stopping, closing the store", node, epoch);
    services.stopAll();
    store.tell(
        new StoreService.Close(
            context.messageAdapter(StoreService.Closed.class, closed -> new StoreClosed(closed, stop.replyTo()))));
    return stopping(stop.replyTo());
  }

  /** Its supervisor watches the main and ends the process: a main without one of its parts must not serve. */
  private Behavior<Command> ended(String child) {
    context.getLog().error(
        "node {} epoch {}: the main's {} ended unexpectedly; the main cannot vouch for its store and stops",
        node, epoch, child);
    return Behaviors.stopped();
  }

  private Behavior<Command> onStoreClosed(StoreClosed closed) {
    closed.replyTo().tell(new Stopped(closed.closed().problem()));
    return Behaviors.stopped();
  }

  /** The store service failed while closing: the stop still completes (the lock is released), and says why. */
  private Behavior<Command> onStoreEndedUnclosed(ActorRef<Stopped> replyTo) {
    context.getLog().error("node {} epoch {}: the store service ended before it closed the store", node, epoch);
    replyTo.tell(new Stopped(Optional.of("the store service ended before it closed the store")));
    return Behaviors.stopped();
  }

  private static <T> Behavior<Command> tell(ActorRef<T> to, T message) {
    to.tell(message);
    return Behaviors.same();
  }
}
