package io.mainstay.runtime.http;

import io.mainstay.actors.extension.ServiceLocation;
import io.mainstay.actors.node.RequestGateway;
import io.mainstay.extension.Extension;
import io.mainstay.extension.NotMainException;
import io.mainstay.extension.RouteContext;
import io.mainstay.extension.StoreUnavailableException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every extension's routes under {@code /api/v1/ext/<name>/}, each behind an exception handler that
 * answers in the built-in API's JSON: 503 with the main's URL where the main is needed and this node is
 * not it, 503 when the store refuses, 400 for an argument the extension rejects, 500 for anything else.
 */
final class ExtensionRoutesMount extends AllDirectives {

  private static final Logger LOG = LoggerFactory.getLogger(ExtensionRoutesMount.class);

  private final ActorRef<RequestGateway.Request> gateway;
  private final ActorSystem<?> system;
  private final Duration locateTimeout;
  private final List<Extension> extensions;

  ExtensionRoutesMount(ActorRef<RequestGateway.Request> gateway, ActorSystem<?> system, Duration locateTimeout, List<Extension> extensions) {
    this.gateway = gateway;
    this.system = system;
    this.locateTimeout = locateTimeout;
    this.extensions = List.copyOf(extensions);
  }

  /** The {@code ext/...} routes, relative to {@code /api/v1/}. */
  Route routes() {
    Route[] mounted =
        extensions.stream()
            .filter(extension -> extension.routes().isPresent())
            .map(extension -> pathPrefix(extension.name(), () -> mount(extension)))
            .toArray(Route[]::new);
    Route none = complete(JsonResponses.error(StatusCodes.NOT_FOUND, "no such extension route"));
    return pathPrefix("ext", () -> mounted.length == 0 ? none : concat(concat(mounted[0], Arrays.copyOfRange(mounted, 1, mounted.length)), none));
  }

  /** {@code name}'s routes alone, for a built-in extension served at a path of its own; 404 when it is disabled. */
  Route routesOf(String name) {
    return extensions.stream()
        .filter(extension -> extension.name().equals(name) && extension.routes().isPresent())
        .findFirst()
        .map(this::mount)
        .orElseGet(() -> complete(JsonResponses.error(StatusCodes.NOT_FOUND, "extension " + name + " is not running on this node")));
  }

  private Route mount(Extension extension) {
    return guarded(extension, extension.routes().get().create(new Context(extension.name())));
  }

  private Route guarded(Extension extension, Route route) {
    ExceptionHandler handler = ExceptionHandler.newBuilder()
        .match(Throwable.class, thrown -> complete(answer(extension, unwrap(thrown))))
        .build();
    return handleExceptions(handler, () -> route);
  }

  private static HttpResponse answer(Extension extension, Throwable cause) {
    if (cause instanceof NotMainException notMain) {
      return JsonResponses.notMain(notMain.getMessage(), notMain.mainUrl());
    }
    if (cause instanceof StoreUnavailableException) {
      // the main cannot vouch for its store (fenced, deposed, stopping): as for a node that is not the main
      return JsonResponses.notMain(cause.getMessage(), Optional.empty());
    }
    if (cause instanceof TimeoutException) {
      return JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "the main did not answer in time");
    }
    if (cause instanceof IllegalArgumentException) {
      return JsonResponses.error(StatusCodes.BAD_REQUEST, cause.getMessage());
    }
    LOG.warn("extension {}: a route failed: {}", extension.name(), cause.toString(), cause);
    return JsonResponses.error(StatusCodes.INTERNAL_SERVER_ERROR, "extension " + extension.name() + " failed: " + cause);
  }

  private static Throwable unwrap(Throwable thrown) {
    Throwable cause = thrown;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private final class Context extends JsonRouteContext {
    private final String extension;

    Context(String extension) {
      this.extension = extension;
    }

    @Override
    public <T, R> CompletionStage<R> askMain(Function<ActorRef<R>, T> message, Duration timeout) {
      return ask(replyTo -> new RequestGateway.LocateMainService(extension, replyTo), message, timeout,
          location -> new NotMainException(location.reason(), location.mainUrl()));
    }

    @Override
    public <T, R> CompletionStage<R> askCoordinator(Function<ActorRef<R>, T> message, Duration timeout) {
      return ask(replyTo -> new RequestGateway.LocateCoordinatorService(extension, replyTo), message, timeout,
          location -> new IllegalStateException(location.reason()));
    }

    /** Locates the service through the gateway, then asks it; {@code missing} is the failure when it is not there. */
    private <T, R> CompletionStage<R> ask(
        Function<ActorRef<ServiceLocation>, RequestGateway.Request> locate,
        Function<ActorRef<R>, T> message,
        Duration timeout,
        Function<ServiceLocation, RuntimeException> missing) {
      return AskPattern.<RequestGateway.Request, ServiceLocation>ask(gateway, locate::apply, locateTimeout, system.scheduler())
          .thenCompose(location -> {
            if (location.service().isEmpty()) {
              return CompletableFuture.failedFuture(missing.apply(location));
            }
            ActorRef<T> service = location.service().get().narrow();
            return AskPattern.ask(service, message::apply, timeout, system.scheduler());
          });
    }
  }
}
