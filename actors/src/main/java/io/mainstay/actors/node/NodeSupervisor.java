package io.mainstay.actors.node;

import io.mainstay.actors.ActorPaths;

import io.mainstay.actors.Failures;
import io.mainstay.actors.ClassWarmUp;
import io.mainstay.actors.extension.CoordinatorServices;
import io.mainstay.actors.extension.Extensions;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.extension.Extension;
import io.mainstay.actors.SerializationWarmUp;
import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.NodeNameInUseException;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.main.MainCoordinator;
import io.mainstay.actors.membership.Downing;
import io.mainstay.actors.membership.LiveView;
import io.mainstay.actors.membership.ZooKeeperDowning;
import io.mainstay.store.StoreLock;
import io.mainstay.store.StoreWarmUp;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.function.Predicate;

/**
 * The guardian of a node: it holds the node's place in the election and, while main, the store lock, and
 * walks the main's life, one behaviour per role (the {@link NodeRole}s): starting, then following
 * (standby, coordinator or executor), taking over (locking, opening: the {@link Takeover}), main, fenced,
 * stopping. ZooKeeper facts reach it as messages; what may block runs off the actor. Clients' requests go
 * to its {@link RequestGateway}. A node that was elected and then loses leadership or its session ends
 * the process: it never becomes main again without a restart. So does a node whose executor, gateway or
 * main coordinator fails: it is missing a part it needs, and a restarted process comes back whole.
 */
public final class NodeSupervisor {

  public sealed interface Command
      permits GracefulStop,
          RequestGateway.Request,
          Coordination,
          Registered,
          WarmedUp,
          Takeover.Outcome,
          MainStopped,
          MainEnded,
          Withdrawn,
          SuccessorInLine,
          HandOverWaitOver,
          ChildEnded,
          Succession.Succeeded {}

  /** SIGTERM: hand over gracefully and exit 0. */
  public record GracefulStop() implements Command {}

  private record Coordination(CoordinationEvent event) implements Command {}

  private record Registered(Optional<Throwable> failure) implements Command {}

  private record WarmedUp(String summary, Optional<Throwable> failure) implements Command {}

  private record MainStopped(MainCoordinator.Stopped stopped) implements Command {}

  private record Withdrawn() implements Command {}

  private record SuccessorInLine(boolean inLine) implements Command {}

  private record HandOverWaitOver() implements Command {}

  private record MainEnded() implements Command {}

  /** A watched child ended; {@code name} says which, for the log line that ends the process. */
  private record ChildEnded(String name) implements Command {}

  /** Timings and seams of the node's actors; the defaults suit production, tests may shorten them. */
  public record Settings(
      Takeover.Settings takeover,
      MainCoordinator.Settings main,
      Executor.Settings executor,
      RequestGateway.Settings gateway,
      Downing downing,
      Extensions extensions) {
    public static Settings defaults() {
      return new Settings(
          Takeover.Settings.defaults(),
          MainCoordinator.Settings.defaults(),
          Executor.Settings.defaults(),
          RequestGateway.Settings.defaults(),
          Downing.byZooKeeper(Duration.ofSeconds(5)),
          Extensions.none());
    }

    public Settings withExtensions(Extensions extensions) {
      return new Settings(takeover, main, executor, gateway, downing, extensions);
    }

    public Settings withStoreMapSize(long bytes) {
      return new Settings(
          new Takeover.Settings(takeover.lockRetry(), takeover.lockWaitLogInterval(), bytes), main, executor, gateway, downing, extensions);
    }
  }

  /** While main or fenced: what this node holds as main. */
  private record Term(long epoch, StoreLock lock, ActorRef<MainCoordinator.Command> main) {}

  private final ActorContext<Command> context;
  private final NodeIdentity identity;
  private final ClusterCoordination coordination;
  private final NodeLifecycle lifecycle;
  private final Settings settings;
  private final java.util.concurrent.Executor blocking;
  private final ServiceBoard board;
  private final ActorRef<RequestGateway.Command> gateway;
  private final CoordinatorServices coordinatorServices;
  private final Optional<ActorRef<Executor.Command>> executor;
  /** A main-eligible node's watch for the main's death, from start until it is elected or stops. */
  private Optional<ActorRef<Succession.Command>> succession = Optional.empty();
  private int successions;

  private NodeRole role = NodeRole.STARTING;
  private long epoch;
  private List<NodeRecord> nodes = List.of();
  /** Every Pekko address ever listed under {@code nodes/}: a member whose record vanished must still be downed. */
  private final Set<String> addressesSeen = new HashSet<>();
  /** Written here only, read by the downing when it (re)starts. */
  private volatile LiveView liveView = LiveView.EMPTY;
  /** The epoch of the main ZooKeeper last named, for the downing's log lines. */
  private long mainEpoch;
  /** Downs members ZooKeeper no longer lists; from the moment this node is in the Pekko Cluster. */
  private Optional<ActorRef<ZooKeeperDowning.Command>> downing = Optional.empty();

  public static Behavior<Command> create(
      NodeIdentity identity, ClusterCoordination coordination, NodeLifecycle lifecycle, Settings settings) {
    return Behaviors.setup(
        ctx -> new NodeSupervisor(ctx, identity, coordination, lifecycle, settings).starting(false, Optional.empty()));
  }

  private NodeSupervisor(
      ActorContext<Command> context,
      NodeIdentity identity,
      ClusterCoordination coordination,
      NodeLifecycle lifecycle,
      Settings settings) {
    context.setLoggerName(NodeSupervisor.class);
    this.context = context;
    this.identity = identity;
    this.coordination = coordination;
    this.lifecycle = lifecycle;
    this.settings = settings;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.board = new ServiceBoard(settings.extensions().list());
    this.coordinatorServices = identity.coordinator()
        ? CoordinatorServices.start(context, identity.name(), settings.extensions(), board, settings.gateway().registryTimeout())
        : CoordinatorServices.none(context, identity.name());
    this.gateway =
        watched(
            context.spawn(
                RequestGateway.create(identity.name(), settings.gateway(), board, coordinatorServices.refs()),
                ActorPaths.GATEWAY),
            "request gateway");
    this.executor =
        identity.executor()
            ? Optional.of(
                watched(
                    context.spawn(
                        Executor.create(
                            identity.name(),
                            identity.pekkoAddress(),
                            identity.slots(),
                            identity.localPath(),
                            settings.executor(),
                            settings.extensions(),
                            board),
                        ActorPaths.EXECUTOR),
                    "executor"))
            : Optional.empty();
    if (identity.mainEligible()) {
      startSuccession();
    }
    // a failover must not wait for code a JVM loads on first use: LMDB's native library on a node that may
    // become main, Jackson's CBOR serializers on every node
    boolean store = identity.mainEligible();
    ActorRef<Command> self = context.getSelf();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> warmUp(store, context.getSystem(), self), blocking),
        (summary, failure) -> new WarmedUp(summary, Optional.ofNullable(failure).map(Failures::unwrap)));
    ActorRef<CoordinationEvent> listener = context.messageAdapter(CoordinationEvent.class, Coordination::new);
    context.pipeToSelf(
        CompletableFuture.runAsync(() -> startCoordination(identity.mainEligible(), listener), blocking),
        (ok, failure) -> new Registered(Optional.ofNullable(failure).map(Failures::unwrap)));
  }

  private void startSuccession() {
    ActorRef<Succession.Command> child =
        context.spawn(
            Succession.create(identity, settings.takeover().storeMapSize(), context.getSelf().narrow()), "succession-" + ++successions);
    context.watchWith(child, new ChildEnded("succession"));
    succession = Optional.of(child);
  }

  /** Elected or stopping: the lock is the takeover's to take now, or nobody's. */
  private void stopSuccession() {
    succession.ifPresent(child -> {
      context.unwatch(child);
      context.stop(child);
    });
    succession = Optional.empty();
  }

  private <T> ActorRef<T> watched(ActorRef<T> child, String name) {
    context.watchWith(child, new ChildEnded(name));
    return child;
  }

  private void startCoordination(boolean candidate, ActorRef<CoordinationEvent> listener) {
    try {
      coordination.start(candidate, listener);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  /** How long a main that stopped gracefully waits for its successor to publish itself before leaving ZooKeeper. */
  static final Duration HANDOVER_WAIT = Duration.ofSeconds(2);

  /**
   * What a node loads between taking the lock and answering as main, found with -Xlog:class+load on a
   * handover: its own classes, the ZooKeeper transaction, the main's HTTP routes.
   */
  private static final List<String> MAIN_CLASSES =
      List.of(
          "io.mainstay.",
          "org.apache.curator.framework.api.transaction.",
          "org.apache.curator.framework.imps.",
          "org.apache.zookeeper.KeeperException",
          "org.apache.zookeeper.Op",
          "org.apache.zookeeper.MultiOperationRecord",
          "org.apache.zookeeper.MultiResponse",
          "org.apache.zookeeper.proto.",
          "org.apache.pekko.http.javadsl.server.",
          "org.apache.pekko.http.scaladsl.server.");

  private static String warmUp(boolean store, ActorSystem<?> system, ActorRef<Command> self) {
    String summary = "";
    if (store) {
      try {
        summary = "store " + StoreWarmUp.run().toMillis() + " ms, ";
      } catch (IOException e) {
        throw new CompletionException(e);
      }
      long start = System.nanoTime();
      ClassWarmUp.Loaded loaded = ClassWarmUp.run(NodeSupervisor.class.getClassLoader(), MAIN_CLASSES);
      summary += loaded.classes() + " classes " + (System.nanoTime() - start) / 1_000_000 + " ms, ";
    }
    return summary + "messages " + SerializationWarmUp.run(system, self).toMillis() + " ms";
  }

  // ---- the roles: each builds its own handlers first, then appends what it shares with others ----------

  /**
   * Registering with ZooKeeper and joining the Pekko Cluster. The election is joined before the Pekko
   * Cluster, so leadership, or a succession that took the dead main's lock, may come first: both are
   * remembered until the join is done. The dead main's leftovers go at once: a node restarted under its old
   * address joins only once its old incarnation leaves the cluster, which waits for every unreachable
   * member, that main too, to be downed, which waits for its {@code nodes/} record to go.
   */
  private Behavior<Command> starting(boolean elected, Optional<Succession.Succeeded> succeeded) {
    return anyRole(
            Behaviors.receive(Command.class)
                .onMessage(Registered.class, registered -> onRegistered(registered, elected, succeeded))
                .onMessage(Coordination.class, is(CoordinationEvent.LeadershipGranted.class), c -> starting(true, succeeded))
                .onMessage(Succession.Succeeded.class, early -> {
                  stopSuccession();
                  coordination.removeLeftovers(early.dead());
                  return starting(elected, Optional.of(early));
                })
                .onMessage(GracefulStop.class, stop -> {
                  succeeded.ifPresent(Succession.Succeeded::release);
                  return stop();
                }))
        .build();
  }

  /** Standby, coordinator or executor: not the main; a standby waits to be elected, or to succeed a dead main. */
  private Behavior<Command> following() {
    return anyRole(
            Behaviors.receive(Command.class)
                .onMessage(
                    Coordination.class,
                    is(CoordinationEvent.LeadershipGranted.class),
                    c -> elected(Optional.empty()))
                .onMessage(Succession.Succeeded.class, succeeded -> elected(Optional.of(succeeded)))
                .onMessage(GracefulStop.class, stop -> stop()))
        .build();
  }

  /**
   * Locking and opening: the {@link Takeover} takes the lock, opens the store, takes the epoch, publishes.
   * After a succession the latch names this node only once the takeover removed the dead main's entry: its
   * grant, arriving here or later, is news that changes nothing.
   */
  private Behavior<Command> takingOver(ActorRef<Takeover.Command> takeover, Optional<DeadMain> displaced) {
    return anyRole(
            leading(
                Behaviors.receive(Command.class)
                    .onMessage(Takeover.LockTaken.class, taken -> onLockTaken())
                    .onMessage(Takeover.TookOver.class, took -> onTookOver(took, takeover, displaced))
                    .onMessage(
                        Takeover.Failed.class,
                        failed -> exit(NodeLifecycle.EXIT_FAILURE, "could not take over as main: " + failed.cause()))
                    .onMessage(GracefulStop.class, stop -> abandonTakeover(takeover)),
                reason -> exitAbandoning(takeover, reason)))
        .build();
  }

  private Behavior<Command> serving(Term term) {
    return asMain(
            term,
            Behaviors.receive(Command.class)
                .onMessage(Coordination.class, is(CoordinationEvent.ConnectionSuspended.class), c -> fence(term)))
        .build();
  }

  /** The main with its ZooKeeper connection suspended: its main coordinator refuses all work. */
  private Behavior<Command> fenced(Term term) {
    return asMain(
            term,
            Behaviors.receive(Command.class)
                .onMessage(
                    Coordination.class,
                    c -> c.event() instanceof CoordinationEvent.ConnectionReconnected reconnected && reconnected.sameSession(),
                    c -> resume(term)))
        .build();
  }

  /** Graceful stop of the main: its main coordinator closes the store; then the lock goes, then ZooKeeper. */
  private Behavior<Command> stoppingMain(Term term) {
    return stopping(
            Behaviors.receive(Command.class)
                .onMessage(MainStopped.class, stopped -> withdraw(Optional.of(term.lock()), stopped.stopped().problem()))
                .onMessage(
                    MainEnded.class,
                    ended -> withdraw(Optional.of(term.lock()), Optional.of("the main coordinator ended before it closed the store"))))
        .build();
  }

  /** Graceful stop during a takeover: it releases what it took (or handed it over just before it heard). */
  private Behavior<Command> stoppingTakeover() {
    return stopping(
            Behaviors.receive(Command.class)
                .onMessage(Takeover.TookOver.class, took -> withdraw(Optional.of(closeStore(took)), Optional.empty()))
                .onMessage(Takeover.Abandoned.class, abandoned -> withdraw(Optional.empty(), Optional.empty()))
                .onMessage(Takeover.Failed.class, failed -> withdraw(Optional.empty(), Optional.empty())))
        .build();
  }

  private Behavior<Command> withdrawing(Optional<String> problem) {
    return stopping(
            Behaviors.receive(Command.class)
                .onMessage(
                    Withdrawn.class,
                    withdrawn ->
                        problem
                            .map(p -> exit(NodeLifecycle.EXIT_FAILURE, "stopped, but " + p))
                            .orElseGet(() -> exit(NodeLifecycle.EXIT_GRACEFUL, "stopped gracefully"))))
        .build();
  }

  /** The process is ending: only requests are answered (the gateway says "stopping"). */
  private Behavior<Command> exiting() {
    return Behaviors.receive(Command.class)
        .onMessage(RequestGateway.Request.class, this::toGateway)
        .onMessage(Takeover.TookOver.class, took -> {
          closeStore(took).close();
          return Behaviors.same();
        })
        .onMessage(Succession.Succeeded.class, this::releaseLate)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  // ---- what roles share -----------------------------------------------------------------------------

  /** Main and fenced: both hold the term; losing leadership or the session ends it, and the process. */
  private BehaviorBuilder<Command> asMain(Term term, BehaviorBuilder<Command> receive) {
    return anyRole(
        leading(
            receive
                .onMessage(Coordination.class, is(CoordinationEvent.NodesChanged.class), c -> {
                  onCoordination(c.event());
                  term.main().tell(new MainCoordinator.LiveNodes(nodes));
                  return Behaviors.same();
                })
                .onMessage(
                    MainEnded.class,
                    ended -> exit(NodeLifecycle.EXIT_FAILURE, "the main coordinator failed; a main that cannot vouch for its store does not serve"))
                .onMessage(GracefulStop.class, stop -> stopMain(term)),
            reason -> exitFencing(term, reason)));
  }

  /** From the moment this node was elected, losing leadership or the session ends the process (exit 3). */
  private static BehaviorBuilder<Command> leading(
      BehaviorBuilder<Command> receive, Function<String, Behavior<Command>> exitLostMain) {
    return receive
        .onMessage(Coordination.class, is(CoordinationEvent.LeadershipRevoked.class),
            c -> exitLostMain.apply("leadership lost"))
        .onMessage(Coordination.class, is(CoordinationEvent.ConnectionLost.class),
            c -> exitLostMain.apply("ZooKeeper session lost"));
  }

  /** Every role until stopping: requests to the gateway, ZooKeeper's other news, a child's end. */
  private BehaviorBuilder<Command> anyRole(BehaviorBuilder<Command> receive) {
    return receive
        .onMessage(RequestGateway.Request.class, this::toGateway)
        .onMessage(Coordination.class, c -> onCoordination(c.event()))
        .onMessage(WarmedUp.class, this::onWarmedUp)
        .onMessage(Succession.Succeeded.class, this::releaseLate)
        .onMessage(ChildEnded.class, ended -> exit(NodeLifecycle.EXIT_FAILURE, "the node's " + ended.name() + " failed"));
  }

  /** Stopping: requests still answered (the gateway says "stopping"); the rest of the news no longer matters. */
  private BehaviorBuilder<Command> stopping(BehaviorBuilder<Command> receive) {
    return receive
        .onMessage(RequestGateway.Request.class, this::toGateway)
        .onMessage(WarmedUp.class, this::onWarmedUp)
        .onMessage(Succession.Succeeded.class, this::releaseLate)
        .onMessage(Coordination.class, is(CoordinationEvent.MainChanged.class), c -> onCoordination(c.event()))
        .onAnyMessage(m -> Behaviors.same());
  }

  // ---- handlers -------------------------------------------------------------------------------------

  private Behavior<Command> onRegistered(
      Registered registered, boolean elected, Optional<Succession.Succeeded> succeeded) {
    if (registered.failure().isPresent()) {
      succeeded.ifPresent(Succession.Succeeded::release);
      Throwable failure = registered.failure().get();
      if (failure instanceof NodeNameInUseException) {
        return exit(NodeLifecycle.EXIT_BAD_CONFIGURATION, failure.getMessage());
      }
      return exit(NodeLifecycle.EXIT_FAILURE, "could not register with ZooKeeper: " + failure);
    }
    NodeRole next =
        identity.mainEligible()
            ? NodeRole.STANDBY
            : identity.coordinator() ? NodeRole.COORDINATOR : NodeRole.EXECUTOR;
    changeRole(next, "registered with ZooKeeper", Optional.empty());
    startDowning();
    if (elected || succeeded.isPresent()) {
      return elected(succeeded);
    }
    return following();
  }

  /** Restarted with backoff when it fails: its state is ZooKeeper's, read again from {@link #liveView}. */
  private void startDowning() {
    downing = Optional.of(
        context.spawn(
            Behaviors.supervise(settings.downing().create(identity.name(), () -> liveView))
                .onFailure(settings.main().restart()),
            "downing"));
  }

  /**
   * Elected by the latch, or (with {@code succeeded}) holding the lock of a main proven dead: either way the
   * lock is the proof that no other main can write, and the takeover starts at once.
   */
  private Behavior<Command> elected(Optional<Succession.Succeeded> succeeded) {
    stopSuccession();
    lifecycle.leading();
    Optional<DeadMain> displaced = succeeded.map(Succession.Succeeded::dead);
    changeRole(
        NodeRole.LOCKING,
        displaced
            .map(dead -> "succeeding main " + dead.record().node() + " of epoch " + dead.record().epoch() + ", whose process has ended; holding its store lock")
            .orElse("elected; taking the store lock on " + identity.localPath()),
        Optional.empty());
    ActorRef<Takeover.Command> takeover =
        watched(
            context.spawn(
                Takeover.create(identity, coordination, settings.takeover(), context.getSelf().narrow(), succeeded), "takeover"),
            "takeover");
    return takingOver(takeover, displaced);
  }

  /** A succession that finished after this node moved on (elected the usual way, or stopping): its lock goes. */
  private Behavior<Command> releaseLate(Succession.Succeeded late) {
    succession.ifPresent(context::unwatch);
    succession = Optional.empty();
    late.release();
    return Behaviors.same();
  }

  private Behavior<Command> onLockTaken() {
    changeRole(NodeRole.OPENING, "store lock taken; opening the store", Optional.empty());
    return Behaviors.same();
  }

  private Behavior<Command> onTookOver(
      Takeover.TookOver took, ActorRef<Takeover.Command> takeover, Optional<DeadMain> displaced) {
    context.unwatch(takeover);
    epoch = took.record().epoch();
    gateway.tell(new RequestGateway.MainPublished(Optional.of(took.record())));
    coordinatorServices.mainChanged(Optional.of(took.record()));
    ActorRef<MainCoordinator.Command> main =
        context.spawn(
            MainCoordinator.create(
                identity.name(), epoch, took.store(), coordination, nodes, settings.main(), settings.extensions(), board),
            ActorPaths.MAIN);
    context.watchWith(main, new MainEnded());
    // its nodes/ record lives until its session expires; the lock already proved its process gone
    displaced.map(DeadMain::record).ifPresent(dead -> downing.ifPresent(d -> d.tell(new ZooKeeperDowning.Departed(dead.pekkoAddress(), dead.node()))));
    publishLiveView();
    changeRole(NodeRole.MAIN, "serving as main", Optional.of(main));
    return serving(new Term(epoch, took.lock(), main));
  }

  private Behavior<Command> fence(Term term) {
    term.main().tell(new MainCoordinator.Fence("ZooKeeper connection suspended"));
    changeRole(NodeRole.FENCED, "ZooKeeper connection suspended; refusing work until it returns", Optional.of(term.main()));
    return fenced(term);
  }

  private Behavior<Command> resume(Term term) {
    term.main().tell(new MainCoordinator.Resume());
    changeRole(NodeRole.MAIN, "ZooKeeper connection back within the session; serving again", Optional.of(term.main()));
    return serving(term);
  }

  /** ZooKeeper news that every role treats alike; leadership news matters only to the roles that handle it. */
  private Behavior<Command> onCoordination(CoordinationEvent event) {
    if (event instanceof CoordinationEvent.MainChanged changed) {
      gateway.tell(new RequestGateway.MainPublished(changed.main()));
      coordinatorServices.mainChanged(changed.main());
      executor.ifPresent(e -> e.tell(new Executor.MainChanged(changed.main())));
      succession.ifPresent(s -> s.tell(new Succession.MainChanged(changed.main())));
      changed.main().ifPresent(main -> {
        mainEpoch = main.epoch();
        publishLiveView();
      });
    } else if (event instanceof CoordinationEvent.NextInLine next) {
      succession.ifPresent(s -> s.tell(new Succession.NextInLine(next.leader())));
    } else if (event instanceof CoordinationEvent.NodesChanged changed) {
      onNodesChanged(changed);
    } else if (event instanceof CoordinationEvent.ConnectionSuspended) {
      context.getLog().warn("node {}: ZooKeeper connection suspended", identity.name());
      succession.ifPresent(s -> s.tell(new Succession.ConnectionChanged(false)));
    } else if (event instanceof CoordinationEvent.ConnectionReconnected reconnected) {
      context.getLog().info("node {}: ZooKeeper connection back (same session: {})", identity.name(), reconnected.sameSession());
      succession.ifPresent(s -> s.tell(new Succession.ConnectionChanged(true)));
    } else if (event instanceof CoordinationEvent.ConnectionLost) {
      context.getLog().warn("node {}: ZooKeeper session lost; rejoining when it reconnects", identity.name());
    }
    return Behaviors.same();
  }

  private void onNodesChanged(CoordinationEvent.NodesChanged changed) {
    nodes = List.copyOf(changed.nodes());
    nodes.forEach(n -> addressesSeen.add(n.pekkoAddress()));
    gateway.tell(new RequestGateway.LiveNodes(nodes));
    publishLiveView();
  }

  private void publishLiveView() {
    liveView = new LiveView(nodes, Set.copyOf(addressesSeen), Math.max(epoch, mainEpoch));
    LiveView view = liveView;
    downing.ifPresent(d -> d.tell(new ZooKeeperDowning.LiveNodes(view)));
  }

  private Behavior<Command> onWarmedUp(WarmedUp warmedUp) {
    if (warmedUp.failure().isPresent()) {
      context.getLog().warn(
          "node {}: could not load the failover code paths ahead of time (they load when first used): {}",
          identity.name(), warmedUp.failure().get().toString());
    } else {
      context.getLog().info("node {}: failover code paths loaded ahead of time ({})", identity.name(), warmedUp.summary());
    }
    return Behaviors.same();
  }

  /** Which of ZooKeeper's news a handler is for. */
  private static Predicate<Coordination> is(Class<? extends CoordinationEvent> type) {
    return coordination -> type.isInstance(coordination.event());
  }

  private Behavior<Command> toGateway(RequestGateway.Request request) {
    gateway.tell(request);
    return Behaviors.same();
  }

  // ---- the ends -------------------------------------------------------------------------------------

  /** Graceful stop before this node was elected: nothing to close. */
  private Behavior<Command> stop() {
    stopSuccession();
    changeRole(NodeRole.STOPPING, "stopping gracefully", Optional.empty());
    return withdraw(Optional.empty(), Optional.empty());
  }

  private Behavior<Command> stopMain(Term term) {
    changeRole(NodeRole.STOPPING, "stopping gracefully", Optional.empty());
    term.main().tell(new MainCoordinator.Stop(context.messageAdapter(MainCoordinator.Stopped.class, MainStopped::new)));
    return stoppingMain(term);
  }

  private Behavior<Command> abandonTakeover(ActorRef<Takeover.Command> takeover) {
    changeRole(NodeRole.STOPPING, "stopping gracefully", Optional.empty());
    context.unwatch(takeover);
    takeover.tell(new Takeover.Abandon());
    return stoppingTakeover();
  }

  /** A takeover that completed after all, too late: its store closed, its lock left to release. */
  private static StoreLock closeStore(Takeover.TookOver took) {
    took.store().close();
    return took.lock();
  }

  /** After the store is closed: release the lock, then leave ZooKeeper, so a successor finds the lock free. */
  private Behavior<Command> withdraw(Optional<StoreLock> lock, Optional<String> problem) {
    lock.ifPresent(StoreLock::close);
    lifecycle.leaving();
    if (lock.isEmpty()) {
      return leaveZooKeeper(problem);
    }
    context.pipeToSelf(
        coordination.successorInLine(), (inLine, failure) -> new SuccessorInLine(failure == null && inLine));
    return handingOver(problem);
  }

  /**
   * The lock is free and the successor next in line takes it at once; its transaction replaces this node's
   * main record, election entry and {@code nodes/} record. Leaving ZooKeeper only after that keeps this
   * node's removals from racing that transaction, and its session's end out of the handover (watchers
   * still see the main znode deleted and created again as it changes owner). Without a successor in line, or when none
   * publishes itself within {@link #HANDOVER_WAIT}, this node leaves at once and the election moves on.
   */
  private Behavior<Command> handingOver(Optional<String> problem) {
    return stopping(
            Behaviors.receive(Command.class)
                .onMessage(SuccessorInLine.class, known -> {
                  if (!known.inLine()) {
                    return leaveZooKeeper(problem);
                  }
                  context.scheduleOnce(HANDOVER_WAIT, context.getSelf(), new HandOverWaitOver());
                  return Behaviors.same();
                })
                .onMessage(Coordination.class, c -> publishedByAnother(c.event()), c -> {
                  onCoordination(c.event());
                  return leaveZooKeeper(problem);
                })
                .onMessage(HandOverWaitOver.class, over -> {
                  context.getLog().info(
                      "node {} epoch {}: no successor published itself within {} ms of the store lock's release; leaving ZooKeeper",
                      identity.name(), epoch, HANDOVER_WAIT.toMillis());
                  return leaveZooKeeper(problem);
                }))
        .build();
  }

  private boolean publishedByAnother(CoordinationEvent event) {
    return event instanceof CoordinationEvent.MainChanged changed
        && changed.main().filter(main -> !main.node().equals(identity.name())).isPresent();
  }

  private Behavior<Command> leaveZooKeeper(Optional<String> problem) {
    context.pipeToSelf(
        CompletableFuture.runAsync(coordination::withdraw, blocking),
        (ok, failure) -> {
          if (failure != null) {
            context.getLog().warn("node {}: leaving ZooKeeper failed: {}", identity.name(), failure.toString());
          }
          return new Withdrawn();
        });
    return withdrawing(problem);
  }

  private Behavior<Command> exitFencing(Term term, String reason) {
    term.main().tell(new MainCoordinator.Fence("node is exiting"));
    return exit(NodeLifecycle.EXIT_LOST_MAIN, reason + " at epoch " + epoch + "; exiting");
  }

  private Behavior<Command> exitAbandoning(ActorRef<Takeover.Command> takeover, String reason) {
    context.unwatch(takeover);
    takeover.tell(new Takeover.Abandon());
    return exit(NodeLifecycle.EXIT_LOST_MAIN, reason + " at epoch " + epoch + "; exiting");
  }

  private Behavior<Command> exit(int code, String reason) {
    stopSuccession();
    role = NodeRole.STOPPING;
    gateway.tell(new RequestGateway.RoleChanged(role, epoch, Optional.empty()));
    lifecycle.exit(code, "node " + identity.name() + ": " + reason);
    return exiting();
  }

  private void changeRole(NodeRole next, String why, Optional<ActorRef<MainCoordinator.Command>> main) {
    NodeRole previous = role;
    role = next;
    gateway.tell(new RequestGateway.RoleChanged(next, epoch, main));
    context.getLog().info(
        "node {} epoch {}: {} -> {}: {}", identity.name(), epoch, previous.label(), next.label(), why);
  }
}
