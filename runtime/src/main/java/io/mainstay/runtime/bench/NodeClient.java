package io.mainstay.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's HTTP client for a coordinator's web port ({@code java.net.http}). Every call answers;
 * a node that does not is reported with status {@link #NO_ANSWER} instead of an exception.
 */
final class NodeClient {

  static final int NO_ANSWER = -1;

  /** {@code GET /ping}: 200 with role main and its epoch on the main, 503 elsewhere. */
  record Ping(int status, String role, String node, long epoch) {
    boolean isMain() {
      return status == 200 && "main".equals(role);
    }
  }

  /** {@code GET /api/v1/cluster}: this node's role, the main's epoch and the executors the main registered. */
  record ClusterView(int status, String role, long mainEpoch, Map<String, Long> executorEpochs) {}

  /** {@code PUT /api/v1/catalog/NAME}: 200 with version and epoch once acknowledged. */
  record Write(int status, long version, long epoch) {}

  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(3);
  // the main answers a write within its ask timeout (10 s); leave room beyond it
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  Ping ping(String baseUrl) {
    Answer answer = send(HttpRequest.newBuilder(URI.create(baseUrl + "/ping")).timeout(STATUS_TIMEOUT).GET().build());
    JsonNode body = answer.body();
    return new Ping(answer.status(), body.path("role").asText(null), body.path("node").asText(null), body.path("epoch").asLong(-1));
  }

  ClusterView cluster(String baseUrl) {
    Answer answer =
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/cluster")).timeout(STATUS_TIMEOUT).GET().build());
    JsonNode body = answer.body();
    Map<String, Long> executors = new HashMap<>();
    body.path("executors").forEach(e -> executors.put(e.path("node").asText(), e.path("epoch").asLong(-1)));
    return new ClusterView(answer.status(), body.path("role").asText(null), body.path("main").path("epoch").asLong(-1), executors);
  }

  Write put(String baseUrl, String name, String document) {
    Answer answer =
        send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/catalog/" + name))
                .timeout(WRITE_TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(document))
                .build());
    JsonNode body = answer.body();
    return new Write(answer.status(), body.path("version").asLong(-1), body.path("epoch").asLong(-1));
  }

  /** Every catalog entry's name and version, or null if the node did not answer 200. */
  Map<String, Long> catalogVersions(String baseUrl) {
    Answer answer =
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/catalog")).timeout(LIST_TIMEOUT).GET().build());
    if (answer.status() != 200) {
      return null;
    }
    Map<String, Long> versions = new HashMap<>();
    answer.body().path("entries").forEach(e -> versions.put(e.path("name").asText(), e.path("version").asLong(-1)));
    return versions;
  }

  private record Answer(int status, JsonNode body) {}

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body;
      try {
        body = json.readTree(response.body());
      } catch (IOException notJson) {
        body = null;
      }
      return new Answer(response.statusCode(), body == null ? MissingNode.getInstance() : body);
    } catch (IOException e) {
      return new Answer(NO_ANSWER, MissingNode.getInstance());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(NO_ANSWER, MissingNode.getInstance());
    }
  }
}
