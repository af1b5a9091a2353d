package io.mainstay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * The benchmark's client of a coordinator's REST API, as an application would use it: a query is submitted,
 * its job asked for with a wait of {@link #WAIT} (answered as soon as it ended) until it ends, and its whole
 * result read as one Arrow stream (the fast path; the JSON pages are for humans).
 */
final class ClusterSql implements AutoCloseable {

  static final String WAIT = "10s";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String baseUrl;
  private final Duration deadline;
  // HTTP/1.1 and one client: its connections stay open between requests, as a real client's would.
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final BufferAllocator allocator = new RootAllocator();

  ClusterSql(String baseUrl, Duration deadline) {
    this.baseUrl = baseUrl;
    this.deadline = deadline;
  }

  /** {@code PUT /api/v1/datasets/{name}} of Parquet files at {@code location} (a file, directory or glob). */
  void registerParquet(String name, String location) throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of("format", "parquet", "location", location));
    HttpResponse<String> put = send(request("/api/v1/datasets/" + name).PUT(HttpRequest.BodyPublishers.ofString(body)));
    if (put.statusCode() != 200) {
      throw new BenchmarkException("registering " + name + ": " + put.statusCode() + " " + put.body());
    }
  }

  /**
   * One query's answer and where its time went, in milliseconds: {@code planMs} from the job's submission to its
   * start (the main's catalog asked, Calcite's planning, the job recorded in the main's store), {@code runMs} from
   * its start to its end (fragments dispatched and run, their rows over Flight, the final stage), {@code fetchMs}
   * the Arrow result read to its last byte, and {@code restMs} the remainder of {@code totalMs} (HTTP, and
   * recording the job before its id is answered, which the query does not wait for). The first two are the coordinator's own timestamps.
   */
  record Run(Answer answer, double totalMs, double planMs, double runMs, double fetchMs, double restMs) {}

  /** Runs {@code sql} on the cluster and reads its whole result, timed from the submission to the last byte. */
  Run run(String sql) throws IOException, InterruptedException {
    long started = System.nanoTime();
    String id = submit(sql);
    JsonNode job = awaitCompleted(id);
    long completed = System.nanoTime();
    HttpRequest arrow = request("/api/v1/jobs/" + id + "/results/arrow").GET().build();
    HttpResponse<InputStream> response = client.send(arrow, HttpResponse.BodyHandlers.ofInputStream());
    Answer answer;
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new BenchmarkException("job " + id + " results/arrow: " + response.statusCode() + " "
            + new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      try (ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
        answer = Answer.read(reader);
      }
    }
    long ended = System.nanoTime();
    double totalMs = (ended - started) / 1e6;
    double fetchMs = (ended - completed) / 1e6;
    double planMs = between(job, "submitted", "started");
    double runMs = between(job, "started", "ended");
    return new Run(answer, totalMs, planMs, runMs, fetchMs, totalMs - planMs - runMs - fetchMs);
  }

  private static double between(JsonNode job, String from, String to) {
    Instant a = Instant.parse(job.path(from).asText());
    Instant b = Instant.parse(job.path(to).asText());
    return Duration.between(a, b).toNanos() / 1e6;
  }

  private String submit(String sql) throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of("sql", sql));
    HttpResponse<String> submitted = send(request("/api/v1/sql").POST(HttpRequest.BodyPublishers.ofString(body)));
    if (submitted.statusCode() != 200) {
      throw new BenchmarkException("POST /api/v1/sql: " + submitted.statusCode() + " " + submitted.body());
    }
    return JSON.readTree(submitted.body()).get("id").asText();
  }

  private JsonNode awaitCompleted(String id) throws IOException, InterruptedException {
    long until = System.nanoTime() + deadline.toNanos();
    while (true) {
      JsonNode job = JSON.readTree(send(request("/api/v1/jobs/" + id + "?wait=" + WAIT).GET()).body());
      String state = job.path("state").asText();
      if (state.equals("COMPLETED")) {
        return job;
      }
      if (state.equals("FAILED") || state.equals("CANCELED") || System.nanoTime() > until) {
        throw new BenchmarkException("job " + id + " " + state + ": " + job.path("errorMessage").asText());
      }
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    allocator.close();
  }
}
