package io.mainstay.sql.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.mainstay.extension.NotMainException;
import io.mainstay.extension.RouteContext;
import io.mainstay.extension.StoreUnavailableException;
import io.mainstay.sql.planning.Column;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Queries, in the shape of Dremio's REST API: {@code POST /sql} with {@code {"sql": "..."}} answers {@code
 * {"id"}} once the statement is planned and its job recorded (a refused statement: 400); {@code GET
 * /jobs?limit=N} newest first; {@code GET /jobs/{id}} (with {@code ?wait=5s}, on the job's coordinator: once
 * the job ended, or after the wait, so that clients need not poll); {@code GET /jobs/{id}/results?offset=N&limit=M}
 * (limit at most 500); {@code GET /jobs/{id}/results/arrow} (the whole result as an Arrow IPC stream);
 * {@code POST /jobs/{id}/cancel}. Served on the main and on secondary coordinators; a standby answers 503
 * with the main's URL.
 */
public final class JobRoutes extends AllDirectives {

  static final int MAX_SQL_BYTES = 1024 * 1024;
  static final int DEFAULT_LIST = 100;
  static final int MAX_LIST = 1000;
  static final int DEFAULT_PAGE = 100;
  /** The longest {@code GET /jobs/{id}?wait=}: well inside the HTTP server's and nginx's request timeouts. */
  static final Duration MAX_WAIT = Duration.ofSeconds(10);

  /** Arrow's IPC stream format, as registered with IANA. */
  static final ContentType.Binary ARROW_STREAM =
      ContentTypes.create(MediaTypes.customBinary("application", "vnd.apache.arrow.stream", false));

  /** Planning and the store's group commit, or one page read. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectReader STRICT_JSON = JobJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  record Accepted(String id) {}

  record Listing(List<Job> jobs) {}

  record Page(long rowCount, List<Column> schema, List<List<Object>> rows) {}

  public Route create(RouteContext context) {
    return concat(
        path("sql", () -> only(context, post(() -> withSizeLimit(MAX_SQL_BYTES, () -> entity(Unmarshaller.entityToString(),
            body -> completeWithFuture(submit(context, body))))))),
        pathPrefix("jobs", () -> concat(
            pathEndOrSingleSlash(() -> only(context, get(() -> parameterOptional("limit", limit -> {
              Optional<Integer> n = count(limit, DEFAULT_LIST, MAX_LIST);
              return n.isEmpty()
                  ? complete(context.error(StatusCodes.BAD_REQUEST, "limit must be a whole number from 1 to " + MAX_LIST))
                  : ask(context, replyTo -> new JobManager.ListJobs(n.get(), replyTo));
            })))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                pathEnd(() -> only(context, get(() -> parameterOptional("wait", wait -> {
                  Optional<Duration> d = wait(wait);
                  return d.isEmpty()
                      ? complete(context.error(StatusCodes.BAD_REQUEST, "wait must be a duration from 0 to "
                          + MAX_WAIT.toSeconds() + "s, such as 500ms or 5s"))
                      : ask(context, replyTo -> new JobManager.Get(id, d.get(), replyTo));
                })))),
                pathPrefix("results", () -> concat(
                    pathEnd(() -> only(context, get(() -> parameterOptional("offset", offset ->
                        parameterOptional("limit", limit -> {
                          Optional<Long> from = offset(offset);
                          Optional<Integer> n = count(limit, DEFAULT_PAGE, JobManager.MAX_PAGE);
                          if (from.isEmpty() || n.isEmpty()) {
                            return complete(context.error(StatusCodes.BAD_REQUEST,
                                "offset must be a whole number from 0, limit from 1 to " + JobManager.MAX_PAGE));
                          }
                          return ask(context, replyTo -> new JobManager.Results(id, from.get(), n.get(), replyTo));
                        }))))),
                    path("arrow", () -> only(context, get(() ->
                        ask(context, replyTo -> new JobManager.StreamResults(id, replyTo))))))),
                path("cancel", () -> only(context, post(() -> ask(context, replyTo -> new JobManager.Cancel(id, replyTo))))))))));
  }

  private Route only(RouteContext context, Route methods) {
    return concat(methods, complete(context.error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed here")));
  }

  private static CompletionStage<HttpResponse> submit(RouteContext context, String body) {
    String sql;
    try {
      sql = parse(body);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(context.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    return askFor(context, replyTo -> new JobManager.Submit(sql, replyTo));
  }

  /** The statement of a {@code POST /sql} body, which holds exactly one field, {@code sql}. */
  static String parse(String body) {
    JsonNode json;
    try {
      json = STRICT_JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject() || json.size() != 1 || !json.has("sql")) {
      throw new IllegalArgumentException("body must be {\"sql\": \"<statement>\"}");
    }
    JsonNode sql = json.get("sql");
    if (!sql.isTextual() || sql.asText().isBlank()) {
      throw new IllegalArgumentException("sql must be a non-empty string");
    }
    return sql.asText();
  }

  private static Optional<Integer> count(Optional<String> text, int absent, int max) {
    if (text.isEmpty()) {
      return Optional.of(absent);
    }
    try {
      int n = Integer.parseInt(text.get());
      return n >= 1 && n <= max ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A duration as configuration spells one ("500ms", "5s", a bare number of milliseconds); absent: none. */
  private static Optional<Duration> wait(Optional<String> text) {
    if (text.isEmpty()) {
      return Optional.of(Duration.ZERO);
    }
    try {
      Duration d = ConfigFactory.parseMap(Map.of("wait", text.get())).getDuration("wait");
      return d.isNegative() || d.compareTo(MAX_WAIT) > 0 ? Optional.empty() : Optional.of(d);
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> offset(Optional<String> text) {
    try {
      long n = text.map(Long::parseLong).orElse(0L);
      return n >= 0 ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Route ask(RouteContext context, Function<ActorRef<JobReply>, JobManager.Command> command) {
    return completeWithFuture(askFor(context, command));
  }

  private static CompletionStage<HttpResponse> askFor(RouteContext context, Function<ActorRef<JobReply>, JobManager.Command> command) {
    return context.<JobManager.Command, JobReply>askCoordinator(command, REQUEST_TIMEOUT)
        .thenApply(reply -> toResponse(context, reply));
  }

  private static HttpResponse toResponse(RouteContext context, JobReply reply) {
    if (reply instanceof JobReply.Accepted accepted) {
      return context.json(StatusCodes.OK, new Accepted(accepted.id()));
    }
    if (reply instanceof JobReply.Found found) {
      return context.json(StatusCodes.OK, found.job());
    }
    if (reply instanceof JobReply.Listing listing) {
      return context.json(StatusCodes.OK, new Listing(listing.jobs()));
    }
    if (reply instanceof JobReply.Rows rows) {
      return HttpResponse.create().withEntity(HttpEntities.create(ARROW_STREAM, rows.arrow()));
    }
    if (reply instanceof JobReply.Page page) {
      return context.json(StatusCodes.OK, new Page(page.rowCount(), page.schema(), page.rows()));
    }
    if (reply instanceof JobReply.Rejected rejected) {
      return context.error(StatusCodes.BAD_REQUEST, rejected.message());
    }
    if (reply instanceof JobReply.NotFound notFound) {
      return context.error(StatusCodes.NOT_FOUND, notFound.message());
    }
    if (reply instanceof JobReply.Conflict conflict) {
      return context.error(StatusCodes.CONFLICT, conflict.message());
    }
    if (reply instanceof JobReply.NotHere notHere) {
      throw new NotMainException(notHere.reason(), notHere.mainUrl());
    }
    throw new StoreUnavailableException(((JobReply.Unavailable) reply).reason());
  }
}
