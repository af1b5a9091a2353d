package io.mainstay.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mainstay.actors.Failures;
import io.mainstay.actors.catalog.CatalogCommand;
import io.mainstay.actors.catalog.CatalogReply;
import io.mainstay.actors.node.RequestGateway;
import io.mainstay.store.Catalog;
import io.mainstay.store.CatalogEntry;
import io.mainstay.store.EpochRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * {@code /api/v1/catalog}: the main's metadata. A PUT is answered 200 only once the document is durable
 * and the main has confirmed it still is the main; anything it cannot vouch for is a 503.
 */
final class CatalogRoutes extends AllDirectives {

  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  record Written(String name, long version, long epoch) {}

  /** An entry with its document as the JSON it is (stored as the client sent it, written back compact). */
  record Entry(String name, long version, long epoch, Instant updated, JsonNode document) {
    static Entry of(CatalogEntry entry) {
      try {
        return new Entry(
            entry.name(), entry.version(), entry.epoch(), entry.updated(), JsonResponses.MAPPER.readTree(entry.document()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  record Listing(List<CatalogEntry.Summary> entries) {}

  /** Every term, {@code until} {@code null} while it has not ended. */
  record Epochs(List<EpochRecord> epochs) {}

  record Deleted(String name, boolean deleted) {}

  private static final ObjectReader STRICT_JSON =
      JsonResponses.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ActorRef<RequestGateway.Request> gateway;
  private final ActorSystem<?> system;
  private final Duration timeout;

  CatalogRoutes(ActorRef<RequestGateway.Request> gateway, ActorSystem<?> system, Duration timeout) {
    this.gateway = gateway;
    this.system = system;
    this.timeout = timeout;
  }

  Route list() {
    return ask(CatalogCommand.List::new);
  }

  Route epochs() {
    return ask(CatalogCommand.Epochs::new);
  }

  Route entry(String name) {
    if (!Catalog.isValidName(name)) {
      return complete(
          JsonResponses.error(StatusCodes.BAD_REQUEST, "invalid catalog name: must match " + Catalog.NAME.pattern()));
    }
    return concat(
        get(() -> ask(replyTo -> new CatalogCommand.Get(name, replyTo))),
        delete(() -> ask(replyTo -> new CatalogCommand.Delete(name, replyTo))),
        put(() -> extractRequestEntity(entity -> put(name, entity))));
  }

  private Route put(String name, HttpEntity entity) {
    if (entity.getContentLengthOption().orElse(0L) > MAX_DOCUMENT_BYTES) {
      return complete(tooLarge());
    }
    CompletionStage<HttpResponse> response =
        entity
            .withSizeLimit(MAX_DOCUMENT_BYTES)
            .toStrict(timeout.toMillis(), system)
            .thenCompose(strict -> store(name, strict.getData().toArray()))
            .exceptionally(CatalogRoutes::bodyFailure);
    return completeWithFuture(response);
  }

  private CompletionStage<HttpResponse> store(String name, byte[] body) {
    try {
      JsonNode document = STRICT_JSON.readTree(body);
      if (document == null || !document.isObject()) {
        return CompletableFuture.completedFuture(
            JsonResponses.error(StatusCodes.BAD_REQUEST, "body must be a JSON object"));
      }
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(
          JsonResponses.error(StatusCodes.BAD_REQUEST, "body is not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          JsonResponses.error(StatusCodes.BAD_REQUEST, "body could not be read: " + e.getMessage()));
    }
    return askFor(replyTo -> new CatalogCommand.Put(name, body, replyTo));
  }

  private static HttpResponse bodyFailure(Throwable failure) {
    Throwable cause = Failures.unwrap(failure);
    if (cause instanceof EntityStreamSizeException) {
      return tooLarge();
    }
    return JsonResponses.error(StatusCodes.BAD_REQUEST, "body could not be read: " + cause.getMessage());
  }

  private static HttpResponse tooLarge() {
    return JsonResponses.error(
        StatusCodes.PAYLOAD_TOO_LARGE, "document larger than " + MAX_DOCUMENT_BYTES + " bytes");
  }

  private Route ask(Function<ActorRef<CatalogReply>, CatalogCommand> command) {
    return completeWithFuture(askFor(command));
  }

  private CompletionStage<HttpResponse> askFor(Function<ActorRef<CatalogReply>, CatalogCommand> command) {
    CompletionStage<CatalogReply> reply =
        AskPattern.ask(
            gateway,
            replyTo -> new RequestGateway.ServeCatalog(command.apply(replyTo)),
            timeout,
            system.scheduler());
    return reply.handle(
        (answer, failure) ->
            failure == null
                ? toResponse(answer)
                : JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, timedOutOr(failure)));
  }

  private static String timedOutOr(Throwable failure) {
    Throwable cause = Failures.unwrap(failure);
    return cause instanceof TimeoutException ? "the main did not answer in time" : cause.toString();
  }

  static HttpResponse toResponse(CatalogReply reply) {
    if (reply instanceof CatalogReply.Written written) {
      return JsonResponses.json(StatusCodes.OK, new Written(written.name(), written.version(), written.epoch()));
    }
    if (reply instanceof CatalogReply.Found found) {
      return JsonResponses.json(StatusCodes.OK, Entry.of(found.entry()));
    }
    if (reply instanceof CatalogReply.Listing listing) {
      return JsonResponses.json(StatusCodes.OK, new Listing(listing.entries()));
    }
    if (reply instanceof CatalogReply.EpochHistory history) {
      return JsonResponses.json(StatusCodes.OK, new Epochs(history.epochs()));
    }
    if (reply instanceof CatalogReply.Deleted deleted) {
      return JsonResponses.json(StatusCodes.OK, new Deleted(deleted.name(), true));
    }
    if (reply instanceof CatalogReply.NotFound notFound) {
      return JsonResponses.error(StatusCodes.NOT_FOUND, "no catalog entry named '" + notFound.name() + "'");
    }
    if (reply instanceof CatalogReply.Unavailable unavailable) {
      return JsonResponses.notMain(unavailable.reason(), unavailable.mainUrl());
    }
    throw new IllegalArgumentException("unknown catalog reply " + reply);
  }
}
