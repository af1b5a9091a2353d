package io.mainstay.runtime.http;

import io.mainstay.actors.catalog.CatalogExtension;
import io.mainstay.actors.node.RequestGateway;
import io.mainstay.actors.probe.ProbeExtension;
import io.mainstay.sql.SqlExtension;
import io.mainstay.extension.Extension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web port of a coordinator: status for operators and load balancers, the epoch history, and every
 * extension's routes (the built-in catalog and probe among them). Requests go to the node's {@link
 * RequestGateway}, which knows whether this node is the main.
 */
public final class WebServer extends AllDirectives {

  /**
   * How long the web port waits.
   *
   * @param statusTimeout for {@code /ping} and {@code /api/v1/cluster}
   * @param requestTimeout for the epoch history from the main's store
   */
  public record Settings(Duration statusTimeout, Duration requestTimeout) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(3), Duration.ofSeconds(10));
    }
  }

  private final StatusRoutes status;
  private final EpochRoutes epochs;
  private final ExtensionRoutesMount extensions;

  private WebServer(ActorRef<RequestGateway.Request> gateway, ActorSystem<?> system, Settings settings, List<Extension> extensions) {
    this.status = new StatusRoutes(gateway, system.scheduler(), settings.statusTimeout());
    this.epochs = new EpochRoutes(gateway, system.scheduler(), settings.requestTimeout());
    this.extensions = new ExtensionRoutesMount(gateway, system, settings.statusTimeout(), extensions);
  }

  /** @param extensions whose routes are served under {@code /api/v1/ext/<name>/} */
  public static CompletionStage<ServerBinding> bind(
      ActorSystem<?> system, ActorRef<RequestGateway.Request> gateway, int port, Settings settings, List<Extension> extensions) {
    return Http.get(system).newServerAt("0.0.0.0", port).bind(new WebServer(gateway, system, settings, extensions).routes());
  }

  Route routes() {
    return concat(
        path("ping", () -> only(get(status::ping))),
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path("cluster", () -> only(get(status::cluster))),
            path("epochs", () -> only(get(epochs::epochs))),
            extensions.routes(),
            // the built-in extensions, at the paths they had before they were extensions
            pathPrefix(CatalogExtension.NAME, () -> extensions.routesOf(CatalogExtension.NAME)),
            pathPrefix(ProbeExtension.NAME, () -> only(extensions.routesOf(ProbeExtension.NAME))),
            // SQL's resources sit at the top of the API, as in Dremio's; its routes match their own prefixes
            pathPrefixTest("datasets", () -> extensions.routesOf(SqlExtension.NAME)),
            pathPrefixTest("sql", () -> extensions.routesOf(SqlExtension.NAME)),
            pathPrefixTest("jobs", () -> extensions.routesOf(SqlExtension.NAME))))),
        complete(JsonResponses.error(StatusCodes.NOT_FOUND, "no such resource")));
  }

  /** The resource exists: any method its route did not take is a 405, not a fall-through 404. */
  private Route only(Route methods) {
    return concat(methods, complete(JsonResponses.error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed here")));
  }
}
