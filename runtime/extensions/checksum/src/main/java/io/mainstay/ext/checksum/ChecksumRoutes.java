package io.mainstay.ext.checksum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.RouteContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** {@code POST jobs {"directory": "/abs/path"}} starts a job (202 with its id); {@code GET jobs/{id}} shows it. */
final class ChecksumRoutes extends AllDirectives implements ExtensionRoutes {

  private static final Duration ASK = Duration.ofSeconds(15);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public Route create(RouteContext context) {
    return pathPrefix("jobs", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> entity(Unmarshaller.entityToString(), body -> start(context, body)))),
        path(PathMatchers.segment(), id -> get(() -> completeWithFuture(
            context.<ChecksumJobs.Get, ChecksumJobs.Found>askMain(replyTo -> new ChecksumJobs.Get(id, replyTo), ASK)
                .thenApply(found -> found.job()
                    .map(job -> context.json(StatusCodes.OK, job))
                    .orElseGet(() -> context.error(StatusCodes.NOT_FOUND, "no checksum job " + id))))))));
  }

  private Route start(RouteContext context, String body) {
    String directory;
    try {
      JsonNode json = MAPPER.readTree(body);
      directory = json == null || !json.path("directory").isTextual() ? null : json.get("directory").asText();
    } catch (IOException e) {
      return complete(context.error(StatusCodes.BAD_REQUEST, "body is not JSON: " + e.getMessage()));
    }
    if (directory == null || directory.isBlank()) {
      return complete(context.error(StatusCodes.BAD_REQUEST, "expected {\"directory\": \"/absolute/path\"}"));
    }
    String dir = directory;
    return completeWithFuture(
        context.<ChecksumJobs.Start, ChecksumJobs.Started>askMain(replyTo -> new ChecksumJobs.Start(dir, replyTo), ASK)
            .thenApply(started -> started.id() != null
                ? context.json(StatusCodes.ACCEPTED, Map.of("id", started.id()))
                : context.error(started.error().startsWith("directory") ? StatusCodes.BAD_REQUEST : StatusCodes.SERVICE_UNAVAILABLE,
                    started.error())));
  }
}
