package io.mainstay.testkit.node;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP API of one node. Every call answers: a node that is down, frozen or slow gives
 * {@link HttpResult#NO_ANSWER} after the timeout, so polling loops can simply ask again.
 */
public final class NodeHttp {

  /**
   * How long each kind of request may take. {@link #SHORT} for tests: a frozen node costs a poll two
   * seconds, not a test.
   *
   * @param status {@code /ping}, {@code /api/v1/cluster}, {@code /api/v1/epochs}, and the connection
   * @param write a catalog PUT or DELETE (the main answers within its ask timeout, 10 s)
   * @param read a catalog GET or the list
   */
  public record Timeouts(Duration status, Duration write, Duration read) {
    public static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  private final String baseUrl;
  private final Timeouts timeouts;
  // HTTP/1.1: the JDK client would otherwise offer an h2c upgrade the node need not speak.
  private final HttpClient client;

  public NodeHttp(String baseUrl) {
    this(baseUrl, Timeouts.SHORT);
  }

  public NodeHttp(String baseUrl, Timeouts timeouts) {
    this.baseUrl = baseUrl;
    this.timeouts = timeouts;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeouts.status())
        .build();
  }

  public HttpResult ping() {
    return send(request("/ping", timeouts.status()).GET());
  }

  public HttpResult cluster() {
    return send(request("/api/v1/cluster", timeouts.status()).GET());
  }

  /** {@code GET /api/v1/epochs}: {@code {"epochs":[{"epoch","node","since","until"},..]}} on the main. */
  public HttpResult epochs() {
    return send(request("/api/v1/epochs", timeouts.status()).GET());
  }

  /**
   * {@code POST /api/v1/probe?deadlineMs=N}: the main answers within {@code deadline}, so the request
   * may take that long plus the status timeout.
   */
  public HttpResult probe(Duration deadline) {
    return send(request("/api/v1/probe?deadlineMs=" + deadline.toMillis(), deadline.plus(timeouts.status()))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** {@code POST /api/v1/probe?deadlineMs=N&holdMs=M}: each executor holds its answer M ms; waits the deadline plus 10 s. */
  public HttpResult probe(Duration deadline, Duration hold) {
    String query = "?deadlineMs=" + deadline.toMillis() + "&holdMs=" + hold.toMillis();
    return send(request("/api/v1/probe" + query, deadline.plusSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** {@code PUT /api/v1/catalog/{name}}; a 2xx answer carries {@code {"name":..,"version":N}}. */
  public HttpResult put(String name, String json) {
    return send(request(catalog(name), timeouts.write())
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Like {@link #put} but streamed without a Content-Length (chunked), as a client may send a large body. */
  public HttpResult putChunked(String name, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return send(request(catalog(name), timeouts.write())
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
  }

  public HttpResult get(String name) {
    return send(request(catalog(name), timeouts.read()).GET());
  }

  public HttpResult delete(String name) {
    return send(request(catalog(name), timeouts.write()).DELETE());
  }

  /** {@code GET /api/v1/catalog}: {@code {"entries":[{"name":..,"version":N},..]}}. */
  public HttpResult list() {
    return send(request("/api/v1/catalog", timeouts.read()).GET());
  }

  /**
   * Any request, for the inputs the typed methods above never send: {@code rawPath} goes on the
   * wire as given (already percent-encoded), {@code body} may be null for none.
   */
  public HttpResult request(String method, String rawPath, String body) {
    HttpRequest.BodyPublisher publisher =
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return send(request(rawPath, timeouts.write()).header("Content-Type", "application/json").method(method, publisher));
  }

  /** Where this client sends its requests, {@code http://host:port}. */
  public String baseUrl() {
    return baseUrl;
  }

  private static String catalog(String name) {
    return "/api/v1/catalog/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
  }

  private HttpResult send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.body());
    } catch (IOException e) {
      return new HttpResult(HttpResult.NO_ANSWER, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during HTTP request", e);
    }
  }
}
