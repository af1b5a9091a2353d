package io.mainstay.actors.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mainstay.actors.Failures;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.RouteContext;
import io.mainstay.extension.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * The catalog's routes, served at {@code /api/v1/catalog}: {@code GET} lists names and versions; {@code
 * GET|PUT|DELETE {name}} reads, writes (a JSON object of at most 1 MiB) and removes an entry. A PUT is
 * answered 200 only once the document is durable and the main has confirmed it still is the main.
 */
public final class CatalogRoutes extends AllDirectives implements ExtensionRoutes {

  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /** A write waits for its batch's fsync and ZooKeeper confirmation, its body's upload included. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public record Written(String name, long version, long epoch) {}

  /** An entry with its document as the JSON it is (stored as the client sent it, written back compact). */
  public record Entry(String name, long version, long epoch, Instant updated, JsonNode document) {}

  public record Summary(String name, long version) {}

  public record Listing(List<Summary> entries) {}

  public record Deleted(String name, boolean deleted) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader STRICT_JSON = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Override
  public Route create(RouteContext context) {
    return concat(
        pathEndOrSingleSlash(() -> only(context, get(() -> ask(context, CatalogDocuments.List::new)))),
        path(PathMatchers.segment(), name -> only(context, entry(context, name))));
  }

  private Route entry(RouteContext context, String name) {
    if (!CatalogExtension.isValidEntryName(name)) {
      return complete(context.error(
          StatusCodes.BAD_REQUEST, "invalid catalog name: must match " + CatalogExtension.ENTRY_NAME.pattern()));
    }
    return concat(
        get(() -> ask(context, replyTo -> new CatalogDocuments.Get(name, replyTo))),
        delete(() -> ask(context, replyTo -> new CatalogDocuments.Delete(name, replyTo))),
        put(() -> extractMaterializer(materializer -> extractRequestEntity(entity -> put(context, name, entity, materializer)))));
  }

  /** The resource exists: any method it does not take is a 405, not a fall-through 404. */
  private Route only(RouteContext context, Route methods) {
    return concat(methods, complete(context.error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed here")));
  }

  private Route put(RouteContext context, String name, HttpEntity entity, Materializer materializer) {
    if (entity.getContentLengthOption().orElse(0L) > MAX_DOCUMENT_BYTES) {
      return complete(tooLarge(context));
    }
    return completeWithFuture(
        entity
            .withSizeLimit(MAX_DOCUMENT_BYTES)
            .toStrict(REQUEST_TIMEOUT.toMillis(), materializer)
            .handle((strict, failure) -> failure == null
                ? store(context, name, strict.getData().toArray())
                : CompletableFuture.completedFuture(bodyFailure(context, failure)))
            .thenCompose(Function.identity()));
  }

  private CompletionStage<HttpResponse> store(RouteContext context, String name, byte[] body) {
    try {
      JsonNode document = STRICT_JSON.readTree(body);
      if (document == null || !document.isObject()) {
        return CompletableFuture.completedFuture(context.error(StatusCodes.BAD_REQUEST, "body must be a JSON object"));
      }
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(
          context.error(StatusCodes.BAD_REQUEST, "body is not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(context.error(StatusCodes.BAD_REQUEST, "body could not be read: " + e.getMessage()));
    }
    return askFor(context, replyTo -> new CatalogDocuments.Put(name, body, replyTo));
  }

  private static HttpResponse bodyFailure(RouteContext context, Throwable failure) {
    Throwable cause = Failures.unwrap(failure);
    if (cause instanceof EntityStreamSizeException) {
      return tooLarge(context);
    }
    return context.error(StatusCodes.BAD_REQUEST, "body could not be read: " + cause.getMessage());
  }

  private static HttpResponse tooLarge(RouteContext context) {
    return context.error(StatusCodes.PAYLOAD_TOO_LARGE, "document larger than " + MAX_DOCUMENT_BYTES + " bytes");
  }

  private Route ask(RouteContext context, Function<ActorRef<CatalogReply>, CatalogDocuments.Command> command) {
    return completeWithFuture(askFor(context, command));
  }

  private static CompletionStage<HttpResponse> askFor(
      RouteContext context, Function<ActorRef<CatalogReply>, CatalogDocuments.Command> command) {
    return context.<CatalogDocuments.Command, CatalogReply>askMain(command, REQUEST_TIMEOUT)
        .thenApply(reply -> toResponse(context, reply));
  }

  public static HttpResponse toResponse(RouteContext context, CatalogReply reply) {
    if (reply instanceof CatalogReply.Written written) {
      return context.json(StatusCodes.OK, new Written(written.name(), written.version(), written.epoch()));
    }
    if (reply instanceof CatalogReply.Found found) {
      return context.json(StatusCodes.OK, entry(found));
    }
    if (reply instanceof CatalogReply.Listing listing) {
      return context.json(StatusCodes.OK, new Listing(
          listing.entries().stream().map(v -> new Summary(v.key(), v.version())).toList()));
    }
    if (reply instanceof CatalogReply.Deleted deleted) {
      return context.json(StatusCodes.OK, new Deleted(deleted.name(), true));
    }
    if (reply instanceof CatalogReply.NotFound notFound) {
      return context.error(StatusCodes.NOT_FOUND, "no catalog entry named '" + notFound.name() + "'");
    }
    throw new StoreUnavailableException(((CatalogReply.Unavailable) reply).reason());
  }

  /** The body as JSON: what was stored was checked to be a JSON object, so it parses back. */
  public static Entry entry(CatalogReply.Found found) {
    try {
      return new Entry(found.name(), found.version(), found.epoch(), found.updated(), MAPPER.readTree(found.document()));
    } catch (IOException e) {
      throw new StoreUnavailableException("catalog entry " + found.name() + " holds no readable JSON: " + e.getMessage());
    }
  }
}
