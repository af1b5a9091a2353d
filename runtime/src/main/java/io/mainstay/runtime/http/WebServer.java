package io.mainstay.runtime.http;

import io.mainstay.actors.node.NodeSupervisor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** The web port of a coordinator: status for operators and load balancers, and the catalog API. */
public final class WebServer extends AllDirectives {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  private final StatusRoutes status;
  private final CatalogRoutes catalog;
  private final ProbeRoutes probe;

  private WebServer(ActorRef<NodeSupervisor.Command> supervisor, ActorSystem<?> system) {
    this.status = new StatusRoutes(supervisor, system.scheduler(), Duration.ofSeconds(3));
    this.catalog = new CatalogRoutes(supervisor, system, ASK_TIMEOUT);
    this.probe = new ProbeRoutes(supervisor, system.scheduler());
  }

  public static CompletionStage<ServerBinding> bind(
      ActorSystem<?> system, ActorRef<NodeSupervisor.Command> supervisor, int port) {
    return Http.get(system).newServerAt("0.0.0.0", port).bind(new WebServer(supervisor, system).routes());
  }

  Route routes() {
    return concat(
        path("ping", () -> only(get(status::ping))),
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path("cluster", () -> only(get(status::cluster))),
            path("probe", () -> only(post(probe::probe))),
            path("epochs", () -> only(get(catalog::epochs))),
            pathPrefix("catalog", () -> concat(
                pathEndOrSingleSlash(() -> only(get(catalog::list))),
                path(PathMatchers.segment(), name -> only(catalog.entry(name)))))))),
        complete(JsonResponses.error(StatusCodes.NOT_FOUND, "no such resource")));
  }

  /** The resource exists: any method its route did not take is a 405, not a fall-through 404. */
  private Route only(Route methods) {
    return concat(methods, complete(JsonResponses.error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed here")));
  }
}
