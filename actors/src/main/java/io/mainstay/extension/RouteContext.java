package io.mainstay.extension;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** What the runtime gives an extension's routes. */
public interface RouteContext {

  /**
   * Asks this extension's main service. Fails with {@link NotMainException} where this node is not the
   * active main (or the service is not running), which the runtime answers 503 with the main's URL.
   */
  <T, R> CompletionStage<R> askMain(Function<ActorRef<R>, T> message, Duration timeout);

  /**
   * Asks this extension's coordinator service on this node, whatever the node's role (work any
   * coordinator does, such as planning). Fails with {@link IllegalStateException} when the extension has
   * none, which the runtime answers 500.
   */
  <T, R> CompletionStage<R> askCoordinator(Function<ActorRef<R>, T> message, Duration timeout);

  /** {@code body} as JSON, with the built-in API's mapper. */
  HttpResponse json(StatusCode status, Object body);

  /** {@code {"error": message}}, the built-in API's error shape. */
  HttpResponse error(StatusCode status, String message);
}
