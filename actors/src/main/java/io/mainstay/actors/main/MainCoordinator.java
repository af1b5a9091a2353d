package io.mainstay.actors.main;

import io.mainstay.actors.catalog.CatalogCommand;
import io.mainstay.actors.catalog.CatalogReply;
import io.mainstay.actors.catalog.CatalogService;
import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.fragment.ProbeReply;
import io.mainstay.actors.fragment.ProbeRequest;
import io.mainstay.store.MetadataStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The active main: exists only between "published in ZooKeeper" and the end of this node's term. It owns
 * the store-backed services and decides whether they may act: while fenced (ZooKeeper connection
 * suspended) it refuses every request instead of serving from a position it cannot vouch for.
 */
public final class MainCoordinator extends AbstractBehavior<MainCoordinator.Command> {

  /** The dispatcher of the store-backed services: one thread, since LMDB serializes writers anyway. */
  public static final String STORE_DISPATCHER = "mainstay.store-dispatcher";

  public sealed interface Command {}

  public record Serve(CatalogCommand command) implements Command {}

  /** The live nodes as ZooKeeper sees them. */
  public record LiveNodes(List<NodeRecord> nodes) implements Command {}

  public record Probe(ProbeRequest request) implements Command {}

  /** Stop acting as main until {@link Resume}: the ZooKeeper connection is suspended. */
  public record Fence(String reason) implements Command {}

  public record Resume() implements Command {}

  /** Graceful end of the term: refuse new work, finish what is queued, close the store. */
  public record Stop(ActorRef<Stopped> replyTo) implements Command {}

  public record Stopped() {}

  private record CatalogClosed(ActorRef<Stopped> replyTo) implements Command {}

  private final String node;
  private final long epoch;
  private final ActorRef<CatalogService.Command> catalog;
  private final ActorRef<ExecutorRegistry.Command> registry;
  private final ActorRef<ZooKeeperDowning.Command> downing;
  private Optional<String> fencedBecause = Optional.empty();

  public static Behavior<Command> create(
      String node,
      long epoch,
      MetadataStore store,
      ClusterCoordination coordination,
      Duration confirmTimeout,
      List<NodeRecord> liveNodes,
      Set<String> addressesSeen,
      ExecutorRegistry.Settings registrySettings) {
    return Behaviors.setup(
        ctx ->
            new MainCoordinator(
                ctx, node, epoch, store, coordination, confirmTimeout, liveNodes, addressesSeen, registrySettings));
  }

  private MainCoordinator(
      ActorContext<Command> context,
      String node,
      long epoch,
      MetadataStore store,
      ClusterCoordination coordination,
      Duration confirmTimeout,
      List<NodeRecord> liveNodes,
      Set<String> addressesSeen,
      ExecutorRegistry.Settings registrySettings) {
    super(context);
    context.setLoggerName(MainCoordinator.class);
    this.node = node;
    this.epoch = epoch;
    this.catalog =
        context.spawn(
            CatalogService.create(store, epoch, coordination, confirmTimeout),
            "catalog",
            DispatcherSelector.fromConfig(STORE_DISPATCHER));
    this.registry =
        context.spawn(ExecutorRegistry.create(node, epoch, liveNodes, registrySettings), ActorPaths.REGISTRY);
    this.downing = context.spawn(ZooKeeperDowning.create(node, epoch, liveNodes, addressesSeen), "downing");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Serve.class, this::onServe)
        .onMessage(LiveNodes.class, this::onLiveNodes)
        .onMessage(Probe.class, this::onProbe)
        .onMessage(Fence.class, this::onFence)
        .onMessage(Resume.class, this::onResume)
        .onMessage(Stop.class, this::onStop)
        .build();
  }

  private Behavior<Command> onServe(Serve serve) {
    fencedBecause.ifPresentOrElse(
        reason ->
            serve.command().replyTo().tell(new CatalogReply.Unavailable(reason, Optional.empty())),
        () -> catalog.tell(serve.command()));
    return this;
  }

  private Behavior<Command> onLiveNodes(LiveNodes live) {
    registry.tell(new ExecutorRegistry.LiveNodes(live.nodes()));
    downing.tell(new ZooKeeperDowning.LiveNodes(live.nodes()));
    return this;
  }

  /** A fenced main commands no executor: it may already have been replaced. */
  private Behavior<Command> onProbe(Probe probe) {
    fencedBecause.ifPresentOrElse(
        reason -> probe.request().replyTo().tell(new ProbeReply.Unavailable(reason, Optional.empty())),
        () -> registry.tell(new ExecutorRegistry.RunProbe(probe.request())));
    return this;
  }

  private Behavior<Command> onFence(Fence fence) {
    getContext().getLog().info("node {} epoch {}: main fenced, refusing requests: {}", node, epoch, fence.reason());
    fencedBecause = Optional.of(fence.reason());
    return this;
  }

  private Behavior<Command> onResume(Resume resume) {
    getContext().getLog().info("node {} epoch {}: main resumes serving", node, epoch);
    fencedBecause = Optional.empty();
    return this;
  }

  private Behavior<Command> onStop(Stop stop) {
    getContext().getLog().info("node {} epoch {}: main stopping, closing the store", node, epoch);
    catalog.tell(
        new CatalogService.Close(
            getContext().messageAdapter(CatalogService.Closed.class, closed -> new CatalogClosed(stop.replyTo()))));
    return newReceiveBuilder()
        .onMessage(
            Serve.class,
            serve -> {
              serve.command().replyTo().tell(new CatalogReply.Unavailable("main is stopping", Optional.empty()));
              return Behaviors.same();
            })
        .onMessage(
            Probe.class,
            probe -> {
              probe.request().replyTo().tell(new ProbeReply.Unavailable("main is stopping", Optional.empty()));
              return Behaviors.same();
            })
        .onMessage(CatalogClosed.class, this::onCatalogClosed)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onCatalogClosed(CatalogClosed closed) {
    closed.replyTo().tell(new Stopped());
    return Behaviors.stopped();
  }
}
