package io.mainstay.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The HTTP API of one node, with short timeouts so a frozen node costs a poll two seconds, not a test. */
public final class NodeHttp {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  // HTTP/1.1: the JDK client would otherwise offer an h2c upgrade the node need not speak.
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT)
      .build();

  private final String baseUrl;

  public NodeHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public HttpResult ping() {
    return send(request("/ping").GET());
  }

  public HttpResult cluster() {
    return send(request("/api/v1/cluster").GET());
  }

  /**
   * {@code POST /api/v1/probe?deadlineMs=N}: the main answers within {@code deadline}, so the request
   * may take that long plus the usual timeout.
   */
  public HttpResult probe(Duration deadline) {
    return send(request("/api/v1/probe?deadlineMs=" + deadline.toMillis())
        .timeout(deadline.plus(TIMEOUT))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** {@code PUT /api/v1/catalog/{name}}; a 2xx answer carries {@code {"name":..,"version":N}}. */
  public HttpResult put(String name, String json) {
    return send(request(catalog(name))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Like {@link #put} but streamed without a Content-Length (chunked), as a client may send a large body. */
  public HttpResult putChunked(String name, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return send(request(catalog(name))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
  }

  public HttpResult get(String name) {
    return send(request(catalog(name)).GET());
  }

  public HttpResult delete(String name) {
    return send(request(catalog(name)).DELETE());
  }

  /** {@code GET /api/v1/catalog}: {@code {"entries":[{"name":..,"version":N},..]}}. */
  public HttpResult list() {
    return send(request("/api/v1/catalog").GET());
  }

  /**
   * Any request, for the inputs the typed methods above never send: {@code rawPath} goes on the
   * wire as given (already percent-encoded), {@code body} may be null for none.
   */
  public HttpResult request(String method, String rawPath, String body) {
    HttpRequest.BodyPublisher publisher =
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return send(request(rawPath).header("Content-Type", "application/json").method(method, publisher));
  }

  private static String catalog(String name) {
    return "/api/v1/catalog/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT);
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
