package io.mainstay.sql.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mainstay.actors.catalog.CatalogExtension;
import io.mainstay.extension.RouteContext;
import io.mainstay.extension.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /api/v1/datasets}: {@code GET} lists them; {@code PUT {name}} with {@code {"format": "parquet" |
 * "csv", "location": "...", "header": true, "delimiter": ","}} registers one (answered once its files were
 * scanned and the entry is durable); {@code GET} and {@code DELETE {name}}; {@code POST {name}/refresh}
 * scans its files again. Names follow the catalog's rule.
 */
public final class DatasetRoutes extends AllDirectives {

  static final int MAX_BODY_BYTES = 64 * 1024;

  /** A registration waits for the scan of the files and the store's group commit. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<String> FIELDS = Set.of("format", "location", "header", "delimiter");
  private static final ObjectReader STRICT_JSON =
      DatasetCatalog.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A dataset as the API shows it. */
  record View(
      String name, String format, String location, Dataset.CsvOptions csv, List<Dataset.Column> schema,
      List<Dataset.DataFile> files, Long rows, List<String> created, long version, long epoch, Instant updated) {

    static View of(DatasetReply.Found found) {
      Dataset d = found.dataset();
      return new View(d.name(), d.format().name(), d.location(), d.csv(), d.columns(), d.files(), d.rows(),
          d.created(), found.version(), found.epoch(), found.updated());
    }
  }

  record Summary(String name, String format, String location, int columns, int files, Long rows, long version) {}

  record Listing(List<Summary> datasets) {}

  record Deleted(String name, boolean deleted) {}

  public Route create(RouteContext context) {
    return pathPrefix("datasets", () -> concat(
        pathEndOrSingleSlash(() -> only(context, get(() -> ask(context, DatasetCatalog.ListAll::new)))),
        pathPrefix(PathMatchers.segment(), name -> {
          if (!CatalogExtension.isValidEntryName(name)) {
            return complete(context.error(StatusCodes.BAD_REQUEST,
                "invalid dataset name: must match " + CatalogExtension.ENTRY_NAME.pattern()));
          }
          return concat(
              pathEnd(() -> only(context, concat(
                  get(() -> ask(context, replyTo -> new DatasetCatalog.Get(name, replyTo))),
                  delete(() -> ask(context, replyTo -> new DatasetCatalog.Delete(name, replyTo))),
                  put(() -> withSizeLimit(MAX_BODY_BYTES, () -> entity(
                      Unmarshaller.entityToString(),
                      body -> completeWithFuture(register(context, name, body)))))))),
              path("refresh", () -> only(context, post(() -> ask(context, replyTo -> new DatasetCatalog.Refresh(name, replyTo))))));
        })));
  }

  private Route only(RouteContext context, Route methods) {
    return concat(methods, complete(context.error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed here")));
  }

  private static CompletionStage<HttpResponse> register(RouteContext context, String name, String body) {
    Body parsed;
    try {
      parsed = parse(body);
    } catch (DatasetProblem problem) {
      return CompletableFuture.completedFuture(context.error(StatusCodes.BAD_REQUEST, problem.getMessage()));
    }
    return askFor(context, replyTo -> new DatasetCatalog.Register(name, parsed.format(), parsed.location(), parsed.csv(), replyTo));
  }

  /** What a registration's body says; {@code csv} is null for Parquet. */
  record Body(Dataset.Format format, String location, Dataset.CsvOptions csv) {}

  /** The request body, checked field by field. */
  static Body parse(String body) {
    JsonNode json;
    try {
      json = STRICT_JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new DatasetProblem("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new DatasetProblem("body must be a JSON object with format and location");
    }
    json.fieldNames().forEachRemaining(field -> {
      if (!FIELDS.contains(field)) {
        throw new DatasetProblem("unknown field '" + field + "'; a dataset takes " + "format, location, header, delimiter");
      }
    });
    JsonNode format = json.get("format");
    if (format == null || !format.isTextual() || !Set.of("parquet", "csv").contains(format.asText())) {
      throw new DatasetProblem("format must be \"parquet\" or \"csv\"");
    }
    JsonNode location = json.get("location");
    if (location == null || !location.isTextual() || location.asText().isBlank()) {
      throw new DatasetProblem("location must be a file, directory or glob under paths.datasets");
    }
    Dataset.Format f = Dataset.Format.valueOf(format.asText());
    JsonNode header = json.get("header");
    JsonNode delimiter = json.get("delimiter");
    if (f == Dataset.Format.parquet) {
      if (header != null || delimiter != null) {
        throw new DatasetProblem("header and delimiter apply to csv only");
      }
      return new Body(f, location.asText(), null);
    }
    if (header != null && !header.isBoolean()) {
      throw new DatasetProblem("header must be true or false");
    }
    if (delimiter != null && (!delimiter.isTextual() || delimiter.asText().length() != 1)) {
      throw new DatasetProblem("delimiter must be one character");
    }
    return new Body(f, location.asText(),
        new Dataset.CsvOptions(header == null || header.asBoolean(), delimiter == null ? "," : delimiter.asText()));
  }

  private Route ask(RouteContext context, Function<ActorRef<DatasetReply>, DatasetCatalog.Command> command) {
    return completeWithFuture(askFor(context, command));
  }

  private static CompletionStage<HttpResponse> askFor(
      RouteContext context, Function<ActorRef<DatasetReply>, DatasetCatalog.Command> command) {
    return context.<DatasetCatalog.Command, DatasetReply>askMain(command, REQUEST_TIMEOUT)
        .thenApply(reply -> toResponse(context, reply));
  }

  private static HttpResponse toResponse(RouteContext context, DatasetReply reply) {
    if (reply instanceof DatasetReply.Found found) {
      return context.json(StatusCodes.OK, View.of(found));
    }
    if (reply instanceof DatasetReply.Listing listing) {
      return context.json(StatusCodes.OK, new Listing(listing.datasets().stream().map(f -> new Summary(
          f.dataset().name(), f.dataset().format().name(), f.dataset().location(), f.dataset().columns().size(),
          f.dataset().files().size(), f.dataset().rows(), f.version())).toList()));
    }
    if (reply instanceof DatasetReply.Deleted deleted) {
      return context.json(StatusCodes.OK, new Deleted(deleted.name(), true));
    }
    if (reply instanceof DatasetReply.NotFound notFound) {
      return context.error(StatusCodes.NOT_FOUND, "no dataset named '" + notFound.name() + "'");
    }
    if (reply instanceof DatasetReply.Refused refused) {
      return context.error(StatusCodes.BAD_REQUEST, refused.reason());
    }
    throw new StoreUnavailableException(((DatasetReply.Unavailable) reply).reason());
  }
}
