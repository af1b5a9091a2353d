package io.mainstay.actors.extension;

import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.node.RequestGateway;
import io.mainstay.extension.CoordinatorContext;
import io.mainstay.extension.CoordinatorService;
import io.mainstay.extension.Extension;
import io.mainstay.extension.MainChange;
import io.mainstay.extension.NotMainException;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Every extension's coordinator service on this node, for the node's whole life whatever its role, and the
 * main as the node last heard of it: each service is told when it changes, and asks the main's services
 * through the main's request gateway, wherever the main runs.
 */
public final class CoordinatorServices {

  private record Started(CoordinatorService<Object> service, ActorRef<Object> ref) {}

  private final String node;
  private final ActorSystem<?> system;
  private final Duration locateTimeout;
  private final Map<String, Started> started = new HashMap<>();
  private volatile Optional<MainRecord> main = Optional.empty();

  private CoordinatorServices(String node, ActorSystem<?> system, Duration locateTimeout) {
    this.node = node;
    this.system = system;
    this.locateTimeout = locateTimeout;
  }

  /** Starts the coordinator service of every extension that has one, as children of {@code context}. */
  @SuppressWarnings("unchecked")
  public static CoordinatorServices start(
      ActorContext<?> context, String node, Extensions extensions, ServiceBoard board, Duration locateTimeout) {
    CoordinatorServices services = new CoordinatorServices(node, context.getSystem(), locateTimeout);
    for (Extension extension : extensions.list()) {
      extension.coordinatorService().ifPresent(service -> {
        CoordinatorContext serviceContext = services.new Context(extension.name(), extensions.config());
        ActorRef<Object> ref = extensions.spawn(context, "node " + node, extension, "coordinator",
            self -> service.create(serviceContext), board);
        services.started.put(extension.name(), new Started((CoordinatorService<Object>) service, ref));
      });
    }
    return services;
  }

  public static CoordinatorServices none(ActorContext<?> context, String node) {
    return new CoordinatorServices(node, context.getSystem(), Duration.ofSeconds(1));
  }

  /** The services by extension, for the request gateway. */
  public Map<String, ActorRef<Object>> refs() {
    Map<String, ActorRef<Object>> refs = new HashMap<>();
    started.forEach((name, s) -> refs.put(name, s.ref()));
    return refs;
  }

  /** The {@code main} record as ZooKeeper has it now; every service that asks to be told is told. */
  public void mainChanged(Optional<MainRecord> record) {
    if (record.equals(main)) {
      return;
    }
    main = record;
    MainChange change = change(record);
    started.values().forEach(s -> s.service().onMainChange(change).ifPresent(s.ref()::tell));
  }

  private MainChange change(Optional<MainRecord> record) {
    return record.<MainChange>map(r -> new MainChange.Serving(r.node(), r.epoch(), r.webUrl(), r.node().equals(node)))
        .orElseGet(MainChange.Vacant::new);
  }

  private final class Context implements CoordinatorContext {
    private final String extension;
    private final Config config;

    Context(String extension, Config config) {
      this.extension = extension;
      this.config = config;
    }

    @Override
    public String node() {
      return node;
    }

    @Override
    public Config config() {
      return config;
    }

    @Override
    public MainChange main() {
      return change(main);
    }

    @Override
    public <M, R> CompletionStage<R> askMain(Function<ActorRef<R>, M> message, Duration timeout) {
      Optional<MainRecord> known = main;
      if (known.isEmpty()) {
        return CompletableFuture.failedFuture(new NotMainException("no main is published", Optional.empty()));
      }
      ActorRef<RequestGateway.Request> gateway =
          ActorRefResolver.get(system).resolveActorRef(ActorPaths.gateway(known.get().pekkoAddress()));
      return AskPattern.<RequestGateway.Request, ServiceLocation>ask(
              gateway, replyTo -> new RequestGateway.LocateMainService(extension, replyTo), locateTimeout, system.scheduler())
          .thenCompose(location -> {
            if (location.service().isEmpty()) {
              return CompletableFuture.failedFuture(new NotMainException(location.reason(), location.mainUrl()));
            }
            ActorRef<M> service = location.service().get().narrow();
            return AskPattern.ask(service, message::apply, timeout, system.scheduler());
          });
    }
  }
}
