package io.mainstay.actors.node;

import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.actors.extension.ServiceLocation;
import io.mainstay.actors.main.MainCoordinator;
import io.mainstay.actors.storage.StoreCommand;
import io.mainstay.actors.storage.StoreReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Where a node's clients' requests go. It knows this node's role and where the main is: on the main it
 * hands store requests and extensions' asks to the {@link MainCoordinator}; anywhere else it answers {@code
 * Unavailable} with the main's URL, so a client (or nginx) goes there. The cluster view it builds on any
 * node, asking the main's executor registry over the cluster.
 */
public final class RequestGateway {

  /** What the web port asks; sent to the node's supervisor, which hands it to its gateway. */
  public sealed interface Request extends NodeSupervisor.Command, Command {}

  public record GetStatus(ActorRef<NodeStatus> replyTo) implements Request {}

  /** A request on the store (the epoch history): served when this node is the main, otherwise answered with where the main is. */
  public record ServeStore(StoreCommand command) implements Request {}

  /**
   * Where an extension's main service runs: on the main; anywhere else the answer names the main's URL. Other
   * nodes' coordinator services ask the main's gateway over the cluster.
   */
  public record LocateMainService(String extension, ActorRef<ServiceLocation> replyTo)
      implements Request, CborSerializable {}

  /** Where an extension's coordinator service runs on this node, whatever its role. */
  public record LocateCoordinatorService(String extension, ActorRef<ServiceLocation> replyTo) implements Request {}

  /** This node's status plus the executors as the main's registry knows them. */
  public record GetClusterView(ActorRef<ClusterView> replyTo) implements Request {}

  public sealed interface Command {}

  /**
   * From the supervisor: this node's role, its epoch, and while main (or fenced) its main coordinator,
   * to which requests go.
   */
  record RoleChanged(NodeRole role, long epoch, Optional<ActorRef<MainCoordinator.Command>> main) implements Command {}

  /** The {@code main} record as ZooKeeper has it (or as this node just published it). */
  record MainPublished(Optional<MainRecord> main) implements Command {}

  record LiveNodes(List<NodeRecord> nodes) implements Command {}

  private record ClusterViewReady(ActorRef<ClusterView> replyTo, ClusterView view) implements Command {}

  /** How long the cluster view waits for the main's executor registry. */
  public record Settings(Duration registryTimeout) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(2));
    }
  }

  /** What the gateway knows; {@code main} is present exactly while this node is the main or fenced. */
  private record View(
      NodeRole role,
      long epoch,
      Optional<ActorRef<MainCoordinator.Command>> main,
      Optional<MainRecord> published,
      List<NodeRecord> nodes) {}

  private final ActorContext<Command> context;
  private final String node;
  private final Settings settings;
  private final ServiceBoard board;
  private final Map<String, ActorRef<Object>> coordinatorServices;

  /** @param coordinatorServices this node's extension coordinator services, by extension */
  static Behavior<Command> create(
      String node, Settings settings, ServiceBoard board, Map<String, ActorRef<Object>> coordinatorServices) {
    return Behaviors.setup(
        ctx ->
            new RequestGateway(ctx, node, settings, board, coordinatorServices)
                .route(new View(NodeRole.STARTING, 0, Optional.empty(), Optional.empty(), List.of())));
  }

  private RequestGateway(
      ActorContext<Command> context,
      String node,
      Settings settings,
      ServiceBoard board,
      Map<String, ActorRef<Object>> coordinatorServices) {
    context.setLoggerName(RequestGateway.class);
    this.context = context;
    this.node = node;
    this.settings = settings;
    this.board = board;
    this.coordinatorServices = Map.copyOf(coordinatorServices);
  }

  private Behavior<Command> route(View view) {
    BehaviorBuilder<Command> receive =
        view.main()
            .map(RequestGateway::toMain)
            .orElseGet(() -> elsewhere(view));
    return receive
        .onMessage(GetStatus.class, get -> reply(get.replyTo(), status(view)))
        .onMessage(LocateCoordinatorService.class, locate -> reply(locate.replyTo(), coordinatorService(locate.extension())))
        .onMessage(GetClusterView.class, get -> clusterView(view, get.replyTo()))
        .onMessage(ClusterViewReady.class, ready -> reply(ready.replyTo(), ready.view()))
        .onMessage(
            RoleChanged.class,
            changed -> route(new View(changed.role(), changed.epoch(), changed.main(), view.published(), view.nodes())))
        .onMessage(MainPublished.class, published -> route(published(view, published.main())))
        .onMessage(
            LiveNodes.class,
            live -> route(new View(view.role(), view.epoch(), view.main(), view.published(), List.copyOf(live.nodes()))))
        .build();
  }

  private static BehaviorBuilder<Command> toMain(ActorRef<MainCoordinator.Command> main) {
    return Behaviors.receive(Command.class)
        .onMessage(ServeStore.class, serve -> reply(main, new MainCoordinator.ServeStore(serve.command())))
        .onMessage(
            LocateMainService.class,
            locate -> reply(main, new MainCoordinator.LocateService(locate.extension(), locate.replyTo())));
  }

  private static BehaviorBuilder<Command> elsewhere(View view) {
    String reason = "this node is " + view.role().label() + ", not the main";
    Optional<String> mainUrl = view.published().map(MainRecord::webUrl);
    return Behaviors.receive(Command.class)
        .onMessage(
            ServeStore.class, serve -> reply(serve.command().replyTo(), new StoreReply.Unavailable(reason, mainUrl)))
        .onMessage(
            LocateMainService.class,
            locate -> reply(locate.replyTo(), ServiceLocation.unavailable(reason, mainUrl)));
  }

  private ServiceLocation coordinatorService(String extension) {
    ActorRef<Object> service = coordinatorServices.get(extension);
    return service != null
        ? ServiceLocation.at(service)
        : ServiceLocation.unavailable("extension " + extension + " has no coordinator service on node " + node, Optional.empty());
  }

  private View published(View view, Optional<MainRecord> record) {
    if (!record.equals(view.published())) {
      context.getLog().info(
          "node {}: main is now {}",
          node,
          record.map(r -> r.node() + " at epoch " + r.epoch() + " (" + r.webUrl() + ")").orElse("none"));
    }
    return new View(view.role(), view.epoch(), view.main(), record, view.nodes());
  }

  private NodeStatus status(View view) {
    long knownEpoch = view.main().isPresent() ? view.epoch() : view.published().map(MainRecord::epoch).orElse(0L);
    return new NodeStatus(node, view.role(), knownEpoch, view.published(), view.nodes());
  }

  /** The executors live in the main's registry, wherever the main is: ask it over the cluster. */
  private Behavior<Command> clusterView(View view, ActorRef<ClusterView> replyTo) {
    NodeStatus status = status(view);
    if (view.published().isEmpty()) {
      return reply(replyTo, new ClusterView(status, Optional.empty(), Optional.of("no main is published"), board.snapshot()));
    }
    ActorRef<ExecutorRegistry.Command> registry =
        ActorRefResolver.get(context.getSystem())
            .resolveActorRef(ActorPaths.registry(view.published().get().pekkoAddress()));
    context.ask(
        ExecutorRegistry.ExecutorList.class,
        registry,
        settings.registryTimeout(),
        ExecutorRegistry.ListExecutors::new,
        (list, failure) ->
            new ClusterViewReady(
                replyTo,
                new ClusterView(
                    status,
                    Optional.ofNullable(list),
                    Optional.ofNullable(failure)
                        .map(f -> "the main's executor registry did not answer: " + f.getMessage()),
                    board.snapshot())));
    return Behaviors.same();
  }

  /** Tells {@code to} and stays as it is: the gateway's one way of answering and of handing on. */
  private static <T> Behavior<Command> reply(ActorRef<T> to, T answer) {
    to.tell(answer);
    return Behaviors.same();
  }
}
