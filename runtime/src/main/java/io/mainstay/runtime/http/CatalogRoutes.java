package io.mainstay.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mainstay.actors.catalog.CatalogCommand;
import io.mainstay.actors.catalog.CatalogReply;
import io.mainstay.actors.node.NodeSupervisor;
import io.mainstay.store.Catalog;
import io.mainstay.store.CatalogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
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

  private static final ObjectReader STRICT_JSON =
      JsonResponses.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ActorRef<NodeSupervisor.Command> supervisor;
  private final ActorSystem<?> system;
  private final Duration timeout;

  CatalogRoutes(ActorRef<NodeSupervisor.Command> supervisor, ActorSystem<?> system, Duration timeout) {
    this.supervisor = supervisor;
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
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
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
            supervisor,
            replyTo -> new NodeSupervisor.ServeCatalog(command.apply(replyTo)),
            timeout,
            system.scheduler());
    return reply.handle(
        (answer, failure) ->
            failure == null
                ? toResponse(answer)
                : JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, timedOutOr(failure)));
  }

  private static String timedOutOr(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof TimeoutException ? "the main did not answer in time" : cause.toString();
  }

  private static HttpResponse toResponse(CatalogReply reply) {
    if (reply instanceof CatalogReply.Written written) {
      ObjectNode body = JsonResponses.MAPPER.createObjectNode();
      body.put("name", written.name());
      body.put("version", written.version());
      body.put("epoch", written.epoch());
      return JsonResponses.json(StatusCodes.OK, body);
    }
    if (reply instanceof CatalogReply.Found found) {
      return JsonResponses.json(StatusCodes.OK, entryBody(found.entry()));
    }
    if (reply instanceof CatalogReply.Listing listing) {
      ObjectNode body = JsonResponses.MAPPER.createObjectNode();
      ArrayNode entries = body.putArray("entries");
      listing.entries().forEach(e -> entries.addObject().put("name", e.name()).put("version", e.version()));
      return JsonResponses.json(StatusCodes.OK, body);
    }
    if (reply instanceof CatalogReply.EpochHistory history) {
      ObjectNode body = JsonResponses.MAPPER.createObjectNode();
      ArrayNode epochs = body.putArray("epochs");
      history.epochs().forEach(e -> {
        ObjectNode entry = epochs.addObject().put("epoch", e.epoch()).put("node", e.node()).put("since", e.since().toString());
        e.until().ifPresentOrElse(until -> entry.put("until", until.toString()), () -> entry.putNull("until"));
      });
      return JsonResponses.json(StatusCodes.OK, body);
    }
    if (reply instanceof CatalogReply.Deleted deleted) {
      ObjectNode body = JsonResponses.MAPPER.createObjectNode();
      body.put("name", deleted.name());
      body.put("deleted", true);
      return JsonResponses.json(StatusCodes.OK, body);
    }
    if (reply instanceof CatalogReply.NotFound notFound) {
      return JsonResponses.error(StatusCodes.NOT_FOUND, "no catalog entry named '" + notFound.name() + "'");
    }
    CatalogReply.Unavailable unavailable = (CatalogReply.Unavailable) reply;
    return JsonResponses.notMain(unavailable.reason(), unavailable.mainUrl().orElse(null));
  }

  private static ObjectNode entryBody(CatalogEntry entry) {
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("name", entry.name());
    body.put("version", entry.version());
    body.put("epoch", entry.epoch());
    body.put("updated", entry.updated().toString());
    try {
      body.set("document", JsonResponses.MAPPER.readTree(entry.document()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body;
  }
}
