package io.mainstay.actors.node;

import io.mainstay.actors.Failures;
import io.mainstay.actors.SerializationWarmUp;
import io.mainstay.actors.catalog.CatalogCommand;
import io.mainstay.actors.catalog.CatalogReply;
import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeNameInUseException;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.fragment.ProbeReply;
import io.mainstay.actors.fragment.ProbeRequest;
import io.mainstay.actors.main.MainCoordinator;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import io.mainstay.store.StoreWarmUp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The guardian of a node. It holds the node's place in the election and, while main, the store lock, and
 * walks the main's life: elected, lock, open, epoch, publish, serve. ZooKeeper facts reach it as
 * messages; everything that may block (ZooKeeper, the shared volume) runs off the actor and comes back as
 * a message. A node that was elected and then loses leadership or its session ends the process: it never
 * becomes main again without a restart.
 */
public final class NodeSupervisor extends AbstractBehavior<NodeSupervisor.Command> {

  public sealed interface Command {}

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Command {}

  /** A catalog request: served when this node is the main, otherwise answered with where the main is. */
  public record ServeCatalog(CatalogCommand command) implements Command {}

  /** Fans the probe fragment out to every registered executor; only the main can. */
  public record RunProbe(ProbeRequest request) implements Command {}

  /** This node's status plus the executors as the main's registry knows them. */
  public record GetClusterView(ActorRef<ClusterView> replyTo) implements Command {}

  /** SIGTERM: hand over gracefully and exit 0. */
  public record GracefulStop() implements Command {}

  private record Coordination(CoordinationEvent event) implements Command {}

  private record Registered(Optional<Throwable> failure) implements Command {}

  private record WarmedUp(String summary, Optional<Throwable> failure) implements Command {}

  private record TryLock() implements Command {}

  private record LockAttempted(Optional<StoreLock> lock, Optional<Throwable> failure) implements Command {}

  private record TookOver(MetadataStore store, MainRecord record) implements Command {}

  private record TakeoverFailed(Throwable cause) implements Command {}

  private record MainClosed() implements Command {}

  private record Withdrawn() implements Command {}

  private record ClusterViewReady(ActorRef<ClusterView> replyTo, ClusterView view) implements Command {}

  /** Timings of the supervisor; the defaults suit production, tests may shorten them. */
  public record Settings(
      Duration lockRetry,
      Duration lockWaitLogInterval,
      Duration confirmTimeout,
      Executor.Settings executor,
      ExecutorRegistry.Settings registry) {
    public static Settings defaults() {
      return new Settings(
          Duration.ofMillis(50),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          Executor.Settings.defaults(),
          ExecutorRegistry.Settings.defaults());
    }
  }

  private final NodeIdentity identity;
  private final ClusterCoordination coordination;
  private final NodeLifecycle lifecycle;
  private final Settings settings;
  private final TimerScheduler<Command> timers;
  private final java.util.concurrent.Executor blocking;

  private NodeRole role = NodeRole.STARTING;
  private long epoch;
  private Optional<StoreLock> lock = Optional.empty();
  private Optional<ActorRef<MainCoordinator.Command>> main = Optional.empty();
  private final Optional<ActorRef<Executor.Command>> executor;
  private Optional<MainRecord> publishedMain = Optional.empty();
  private List<NodeRecord> nodes = List.of();
  /**
   * Every Pekko address ever listed under {@code nodes/}, kept while standby too: a node whose record
   * vanished before this one became main (the old main above all) must still be downed once it is.
   */
  private final Set<String> addressesSeen = new HashSet<>();
  private Instant lockWaitLoggedAt = Instant.EPOCH;

  public static Behavior<Command> create(
      NodeIdentity identity, ClusterCoordination coordination, NodeLifecycle lifecycle, Settings settings) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new NodeSupervisor(ctx, timers, identity, coordination, lifecycle, settings)));
  }

  private NodeSupervisor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      NodeIdentity identity,
      ClusterCoordination coordination,
      NodeLifecycle lifecycle,
      Settings settings) {
    super(context);
    context.setLoggerName(NodeSupervisor.class);
    this.identity = identity;
    this.coordination = coordination;
    this.lifecycle = lifecycle;
    this.settings = settings;
    this.timers = timers;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.executor =
        identity.executor()
            ? Optional.of(
                context.spawn(
                    Executor.create(
                        identity.name(), identity.pekkoAddress(), identity.slots(), identity.localPath(), settings.executor()),
                    ActorPaths.EXECUTOR))
            : Optional.empty();
    // a failover must not wait for code a JVM loads on first use: LMDB's native library on a node that may
    // become main, Jackson's CBOR serializers on every node
    boolean store = identity.mainEligible();
    ActorRef<Command> self = context.getSelf();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> warmUp(store, context.getSystem(), self), blocking),
        (summary, failure) -> new WarmedUp(summary, Optional.ofNullable(failure).map(Failures::unwrap)));
    ActorRef<CoordinationEvent> listener = context.messageAdapter(CoordinationEvent.class, Coordination::new);
    context.pipeToSelf(
        CompletableFuture.runAsync(
            () -> startCoordination(identity.mainEligible(), listener), blocking),
        (ok, failure) -> new Registered(Optional.ofNullable(failure).map(Failures::unwrap)));
  }

  private void startCoordination(boolean candidate, ActorRef<CoordinationEvent> listener) {
    try {
      coordination.start(candidate, listener);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private static String warmUp(boolean store, ActorSystem<?> system, ActorRef<Command> self) {
    String summary = "";
    if (store) {
      try {
        summary = "store " + StoreWarmUp.run().toMillis() + " ms, ";
      } catch (java.io.IOException e) {
        throw new CompletionException(e);
      }
    }
    return summary + "messages " + SerializationWarmUp.run(system, self).toMillis() + " ms";
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(WarmedUp.class, this::onWarmedUp)
        .onMessage(Coordination.class, c -> onCoordination(c.event()))
        .onMessage(TryLock.class, this::onTryLock)
        .onMessage(LockAttempted.class, this::onLockAttempted)
        .onMessage(TookOver.class, this::onTookOver)
        .onMessage(TakeoverFailed.class, this::onTakeoverFailed)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(ServeCatalog.class, this::onServeCatalog)
        .onMessage(RunProbe.class, this::onRunProbe)
        .onMessage(GetClusterView.class, this::onGetClusterView)
        .onMessage(ClusterViewReady.class, ready -> {
          ready.replyTo().tell(ready.view());
          return this;
        })
        .onMessage(GracefulStop.class, this::onGracefulStop)
        .onMessage(MainClosed.class, this::onMainClosed)
        .onMessage(Withdrawn.class, this::onWithdrawn)
        .build();
  }

  private Behavior<Command> onRegistered(Registered registered) {
    if (registered.failure().isPresent()) {
      Throwable failure = registered.failure().get();
      if (failure instanceof NodeNameInUseException) {
        return exit(NodeLifecycle.EXIT_BAD_CONFIGURATION, failure.getMessage());
      }
      return exit(NodeLifecycle.EXIT_FAILURE, "could not register with ZooKeeper: " + failure);
    }
    if (role != NodeRole.STARTING) {
      return this;
    }
    NodeRole next =
        identity.mainEligible()
            ? NodeRole.STANDBY
            : identity.coordinator() ? NodeRole.COORDINATOR : NodeRole.EXECUTOR;
    changeRole(next, "registered with ZooKeeper");
    return this;
  }

  private Behavior<Command> onWarmedUp(WarmedUp warmedUp) {
    if (warmedUp.failure().isPresent()) {
      getContext().getLog().warn(
          "node {}: could not load the failover code paths ahead of time (they load when first used): {}",
          identity.name(), warmedUp.failure().get().toString());
    } else {
      getContext().getLog().info("node {}: failover code paths loaded ahead of time ({})", identity.name(), warmedUp.summary());
    }
    return this;
  }

  private Behavior<Command> onCoordination(CoordinationEvent event) {
    if (event instanceof CoordinationEvent.LeadershipGranted) {
      onElected();
    } else if (event instanceof CoordinationEvent.LeadershipRevoked && role.holdsLeadership()) {
      return exit(NodeLifecycle.EXIT_LOST_MAIN, "leadership lost at epoch " + epoch + "; exiting");
    } else if (event instanceof CoordinationEvent.ConnectionSuspended) {
      onSuspended();
    } else if (event instanceof CoordinationEvent.ConnectionReconnected reconnected) {
      onReconnected(reconnected);
    } else if (event instanceof CoordinationEvent.ConnectionLost) {
      if (role.holdsLeadership()) {
        return exit(NodeLifecycle.EXIT_LOST_MAIN, "ZooKeeper session lost at epoch " + epoch + "; exiting");
      }
      getContext().getLog().warn("node {}: ZooKeeper session lost; rejoining when it reconnects", identity.name());
    } else if (event instanceof CoordinationEvent.MainChanged changed) {
      onMainChanged(changed.main());
    } else if (event instanceof CoordinationEvent.NodesChanged changed) {
      nodes = List.copyOf(changed.nodes());
      nodes.forEach(n -> addressesSeen.add(n.pekkoAddress()));
      main.ifPresent(m -> m.tell(new MainCoordinator.LiveNodes(nodes)));
    }
    return this;
  }

  private void onElected() {
    if (role != NodeRole.STANDBY) {
      return;
    }
    changeRole(NodeRole.LOCKING, "elected; taking the store lock on " + identity.localPath());
    getContext().getSelf().tell(new TryLock());
  }

  private Behavior<Command> onTryLock(TryLock tick) {
    if (role != NodeRole.LOCKING) {
      return this;
    }
    String owner = identity.name() + " pid " + ProcessHandle.current().pid() + "@" + identity.host();
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(() -> tryAcquire(owner), blocking),
        (acquired, failure) ->
            new LockAttempted(
                acquired == null ? Optional.empty() : acquired,
                Optional.ofNullable(failure).map(Failures::unwrap)));
    return this;
  }

  private Optional<StoreLock> tryAcquire(String owner) {
    try {
      return StoreLock.tryAcquire(identity.localPath(), owner);
    } catch (java.io.IOException e) {
      throw new CompletionException(e);
    }
  }

  private Behavior<Command> onLockAttempted(LockAttempted attempt) {
    if (role != NodeRole.LOCKING) {
      attempt.lock().ifPresent(StoreLock::close);
      return this;
    }
    if (attempt.lock().isPresent()) {
      lock = attempt.lock();
      changeRole(NodeRole.OPENING, "store lock taken; opening the store");
      takeOver(lock.get());
      return this;
    }
    Instant now = Instant.now();
    if (Duration.between(lockWaitLoggedAt, now).compareTo(settings.lockWaitLogInterval()) >= 0) {
      lockWaitLoggedAt = now;
      String reason =
          attempt
              .failure()
              .map(Throwable::toString)
              .orElseGet(() -> "held by " + StoreLock.holder(identity.localPath()).orElse("an unknown process"));
      getContext().getLog().info(
          "node {}: elected, waiting for the store lock on {} ({})", identity.name(), identity.localPath(), reason);
    }
    timers.startSingleTimer(new TryLock(), settings.lockRetry());
    return this;
  }

  /** Open the store, take the next epoch, record it, publish: only then is this node the main. */
  private void takeOver(StoreLock heldLock) {
    Instant since = Instant.now();
    CompletableFuture<TookOver> takeover =
        CompletableFuture.supplyAsync(() -> MetadataStore.open(heldLock), blocking)
            .thenCompose(
                store ->
                    coordination
                        .takeNextEpoch(store.epoch())
                        .thenApplyAsync(
                            next -> {
                              store.beginEpoch(next, identity.name(), since);
                              return new TookOver(store, mainRecord(next, since));
                            },
                            blocking)
                        .whenComplete((ok, failure) -> closeOnFailure(store, failure)))
            .thenCompose(
                took -> coordination.publishMain(took.record()).thenApply(published -> took));
    getContext().pipeToSelf(
        takeover,
        (took, failure) -> failure == null ? took : new TakeoverFailed(Failures.unwrap(failure)));
  }

  private static void closeOnFailure(MetadataStore store, Throwable failure) {
    if (failure != null) {
      store.close();
    }
  }

  private MainRecord mainRecord(long epoch, Instant since) {
    return new MainRecord(
        identity.name(), identity.host(), identity.webUrl(), identity.pekkoAddress(), epoch, since);
  }

  private Behavior<Command> onTookOver(TookOver took) {
    if (role != NodeRole.OPENING) {
      took.store().close();
      return this;
    }
    epoch = took.record().epoch();
    publishedMain = Optional.of(took.record());
    main =
        Optional.of(
            getContext().spawn(
                MainCoordinator.create(
                    identity.name(),
                    epoch,
                    took.store(),
                    coordination,
                    settings.confirmTimeout(),
                    nodes,
                    Set.copyOf(addressesSeen),
                    settings.registry()),
                ActorPaths.MAIN));
    changeRole(NodeRole.MAIN, "serving as main");
    return this;
  }

  private Behavior<Command> onTakeoverFailed(TakeoverFailed failed) {
    if (role != NodeRole.OPENING) {
      return this;
    }
    return exit(NodeLifecycle.EXIT_FAILURE, "could not take over as main: " + failed.cause());
  }

  private void onSuspended() {
    if (role == NodeRole.MAIN) {
      main.ifPresent(m -> m.tell(new MainCoordinator.Fence("ZooKeeper connection suspended")));
      changeRole(NodeRole.FENCED, "ZooKeeper connection suspended; refusing work until it returns");
    } else {
      getContext().getLog().warn("node {}: ZooKeeper connection suspended", identity.name());
    }
  }

  private void onReconnected(CoordinationEvent.ConnectionReconnected reconnected) {
    if (role == NodeRole.FENCED && reconnected.sameSession()) {
      main.ifPresent(m -> m.tell(new MainCoordinator.Resume()));
      changeRole(NodeRole.MAIN, "ZooKeeper connection back within the session; serving again");
    } else {
      getContext().getLog().info("node {}: ZooKeeper connection back (same session: {})", identity.name(), reconnected.sameSession());
    }
  }

  private void onMainChanged(Optional<MainRecord> record) {
    if (!record.equals(publishedMain)) {
      getContext().getLog().info(
          "node {}: main is now {}",
          identity.name(),
          record.map(r -> r.node() + " at epoch " + r.epoch() + " (" + r.webUrl() + ")").orElse("none"));
    }
    publishedMain = record;
    executor.ifPresent(e -> e.tell(new Executor.MainChanged(record)));
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(status());
    return this;
  }

  private NodeStatus status() {
    long knownEpoch = role == NodeRole.MAIN || role == NodeRole.FENCED ? epoch : publishedMain.map(MainRecord::epoch).orElse(0L);
    return new NodeStatus(identity.name(), role, knownEpoch, publishedMain, nodes);
  }

  private Behavior<Command> onServeCatalog(ServeCatalog serve) {
    if (role == NodeRole.MAIN || role == NodeRole.FENCED) {
      main.ifPresent(m -> m.tell(new MainCoordinator.Serve(serve.command())));
    } else {
      serve
          .command()
          .replyTo()
          .tell(
              new CatalogReply.Unavailable(
                  "this node is " + role.label() + ", not the main",
                  publishedMain.map(MainRecord::webUrl)));
    }
    return this;
  }

  private Behavior<Command> onRunProbe(RunProbe probe) {
    if (role == NodeRole.MAIN || role == NodeRole.FENCED) {
      main.ifPresent(m -> m.tell(new MainCoordinator.Probe(probe.request())));
    } else {
      probe.request().replyTo().tell(
          new ProbeReply.Unavailable("this node is " + role.label() + ", not the main", publishedMain.map(MainRecord::webUrl)));
    }
    return this;
  }

  /** The executors live in the main's registry, wherever the main is: ask it over the cluster. */
  private Behavior<Command> onGetClusterView(GetClusterView get) {
    NodeStatus status = status();
    if (publishedMain.isEmpty()) {
      get.replyTo().tell(new ClusterView(status, Optional.empty(), Optional.of("no main is published")));
      return this;
    }
    ActorRef<ExecutorRegistry.Command> registry =
        ActorRefResolver.get(getContext().getSystem()).resolveActorRef(ActorPaths.registry(publishedMain.get().pekkoAddress()));
    getContext().ask(
        ExecutorRegistry.ExecutorList.class,
        registry,
        Duration.ofSeconds(2),
        ExecutorRegistry.ListExecutors::new,
        (list, failure) ->
            new ClusterViewReady(
                get.replyTo(),
                new ClusterView(
                    status,
                    Optional.ofNullable(list),
                    Optional.ofNullable(failure).map(f -> "the main's executor registry did not answer: " + f.getMessage()))));
    return this;
  }

  private Behavior<Command> onGracefulStop(GracefulStop stop) {
    if (role == NodeRole.STOPPING) {
      return this;
    }
    changeRole(NodeRole.STOPPING, "stopping gracefully");
    timers.cancelAll();
    if (main.isPresent()) {
      main.get().tell(new MainCoordinator.Stop(getContext().messageAdapter(MainCoordinator.Stopped.class, s -> new MainClosed())));
      return this;
    }
    return withdraw();
  }

  private Behavior<Command> onMainClosed(MainClosed closed) {
    main = Optional.empty();
    return withdraw();
  }

  /** After the store is closed: release the lock, then leave ZooKeeper, so a successor finds the lock free. */
  private Behavior<Command> withdraw() {
    lock.ifPresent(StoreLock::close);
    lock = Optional.empty();
    lifecycle.leaving();
    getContext().pipeToSelf(
        CompletableFuture.runAsync(coordination::withdraw, blocking),
        (ok, failure) -> {
          if (failure != null) {
            getContext().getLog().warn("node {}: leaving ZooKeeper failed: {}", identity.name(), failure.toString());
          }
          return new Withdrawn();
        });
    return this;
  }

  private Behavior<Command> onWithdrawn(Withdrawn withdrawn) {
    return exit(NodeLifecycle.EXIT_GRACEFUL, "stopped gracefully");
  }

  private Behavior<Command> exit(int code, String reason) {
    main.ifPresent(m -> m.tell(new MainCoordinator.Fence("node is exiting")));
    role = NodeRole.STOPPING;
    lifecycle.exit(code, "node " + identity.name() + ": " + reason);
    return this;
  }

  private void changeRole(NodeRole next, String why) {
    NodeRole previous = role;
    role = next;
    getContext().getLog().info(
        "node {} epoch {}: {} -> {}: {}", identity.name(), epoch, previous.label(), next.label(), why);
  }
}
