package io.mainstay.runtime.http;

import io.mainstay.actors.Failures;
import io.mainstay.actors.node.RequestGateway;
import io.mainstay.actors.storage.StoreCommand;
import io.mainstay.actors.storage.StoreReply;
import io.mainstay.store.EpochRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/epochs}: every main's term from the store, the audit that one main held each epoch. */
final class EpochRoutes extends AllDirectives {

  /** Every term, {@code until} {@code null} while it has not ended. */
  record Epochs(List<EpochRecord> epochs) {}

  private final ActorRef<RequestGateway.Request> gateway;
  private final Scheduler scheduler;
  private final Duration timeout;

  EpochRoutes(ActorRef<RequestGateway.Request> gateway, Scheduler scheduler, Duration timeout) {
    this.gateway = gateway;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  Route epochs() {
    return completeWithFuture(
        AskPattern.<RequestGateway.Request, StoreReply>ask(
                gateway, replyTo -> new RequestGateway.ServeStore(new StoreCommand.Epochs(replyTo)), timeout, scheduler)
            .handle((reply, failure) -> failure == null
                ? toResponse(reply)
                : JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, Failures.unwrap(failure) instanceof TimeoutException
                    ? "the main did not answer in time" : Failures.unwrap(failure).toString())));
  }

  static HttpResponse toResponse(StoreReply reply) {
    if (reply instanceof StoreReply.EpochHistory history) {
      return JsonResponses.json(StatusCodes.OK, new Epochs(history.epochs()));
    }
    if (reply instanceof StoreReply.Unavailable unavailable) {
      return JsonResponses.notMain(unavailable.reason(), unavailable.mainUrl());
    }
    throw new IllegalArgumentException("unknown answer to the epochs " + reply);
  }
}
