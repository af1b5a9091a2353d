package io.mainstay.it.fault;

import io.mainstay.testing.HttpResult;
import io.mainstay.testing.MainstayNodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The requests the fault suite needs beyond {@code NodeHttp}: the epoch history and the probe. */
final class FaultHttp {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT)
      .build();

  private FaultHttp() {}

  /** {@code GET /api/v1/epochs}: {@code {"epochs":[{"epoch","node","since","until"},..]}} on the main. */
  static HttpResult epochs(MainstayNodeProcess node) {
    return send(HttpRequest.newBuilder(URI.create(node.webUrl() + "/api/v1/epochs")).timeout(TIMEOUT).GET());
  }

  /** {@code POST /api/v1/probe?deadlineMs=..&holdMs=..}; the client waits the deadline plus 10 s. */
  static HttpResult probe(MainstayNodeProcess node, Duration deadline, Duration hold) {
    URI uri = URI.create(node.webUrl() + "/api/v1/probe?deadlineMs=" + deadline.toMillis() + "&holdMs=" + hold.toMillis());
    return send(HttpRequest.newBuilder(uri).timeout(deadline.plusSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private static HttpResult send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.body());
    } catch (IOException e) {
      return new HttpResult(HttpResult.NO_ANSWER, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during HTTP request", e);
    }
  }
}
