package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL tests' two sides of one comparison: a job's rows as the REST API pages them, and DuckDB's own answer
 * to the same SQL over views of the whole datasets, both as text (numbers to 9 significant digits).
 */
final class SqlAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SqlAnswers() {}

  /**
   * A node of a SQL test's cluster: on {@code zookeeper}, reading datasets under {@code root}, two executor
   * slots, HTTP timeouts long enough for a big result page.
   */
  static MainstayNodeBuilder node(Path dir, String name, String zookeeper, int sessionMs, Path root) {
    return MainstayNodeProcess.builder(dir, name)
        .zookeeper(zookeeper)
        .sessionTimeoutMs(sessionMs)
        .extraConf("paths.datasets: [\"" + root + "\"]")
        .extraConf("services.executor.slots: 2")
        .httpTimeouts(new NodeHttp.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30)));
  }

  /** Registers dataset {@code name} on {@code main} with the JSON {@code body}. */
  static void register(NodeHttp main, String name, String body) {
    HttpResult put = main.request("PUT", "/api/v1/datasets/" + name, body);
    assertEquals(200, put.status(), put.body());
  }

  /** Submits on {@code node}, which answers 503 until it follows the main (just started, or a failover). */
  static String submit(NodeHttp node, String sql, Duration deadline) {
    return Await.value("coordinator " + node.baseUrl() + " to take the query", deadline, () -> {
      HttpResult submitted = node.request("POST", "/api/v1/sql", body(sql));
      if (submitted.status() == 503 || submitted.status() == -1) {
        return null;
      }
      assertEquals(200, submitted.status(), sql + ": " + submitted.body());
      return submitted.json().get("id").asText();
    });
  }

  static JsonNode job(NodeHttp node, String id) {
    HttpResult job = node.request("GET", "/api/v1/jobs/" + id, null);
    assertEquals(200, job.status(), job.body());
    return job.json();
  }

  /** The job once it ended, or null. */
  static JsonNode ended(JsonNode job) {
    return Set.of("COMPLETED", "FAILED", "CANCELED").contains(job.get("state").asText()) ? job : null;
  }

  /** Submits {@code sql} on {@code node} and waits until its job ended. */
  static JsonNode run(NodeHttp node, String sql, Duration deadline) {
    String id = submit(node, sql, deadline);
    return Await.value("job " + id + " to end", deadline, () -> ended(job(node, id)));
  }

  static String body(String sql) {
    try {
      return JSON.writeValueAsString(Map.of("sql", sql));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every row of the job's result, a page of 500 at a time, as text. */
  static List<List<String>> results(NodeHttp node, String id) {
    List<List<String>> rows = new ArrayList<>();
    while (true) {
      HttpResult page = node.request("GET", "/api/v1/jobs/" + id + "/results?offset=" + rows.size() + "&limit=500", null);
      assertEquals(200, page.status(), page.body());
      JsonNode json = page.json();
      for (JsonNode row : json.get("rows")) {
        List<String> values = new ArrayList<>();
        row.forEach(v -> values.add(v.isNull() ? null : v.isNumber() ? number(v.decimalValue()) : v.asText()));
        rows.add(values);
      }
      if (json.get("rows").size() < 500) {
        assertEquals(json.get("rowCount").asLong(), rows.size());
        return rows;
      }
    }
  }

  /** DuckDB's own answer, after {@code views} (statements that define each dataset as a view of its files). */
  static List<List<String>> oracle(List<String> views, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (String view : views) {
        s.execute(view);
      }
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            row.add(v == null ? null : v instanceof Number num ? number(new BigDecimal(num.toString())) : text(v));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  private static String text(Object v) {
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime().toString();
    }
    return v.toString();
  }

  /** Numbers compared to 9 significant digits: sums of doubles may differ in the last bits by order. */
  private static String number(BigDecimal d) {
    return d.round(new MathContext(9)).stripTrailingZeros().toPlainString();
  }

  static List<List<String>> sorted(List<List<String>> rows) {
    List<List<String>> copy = new ArrayList<>(rows);
    copy.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
    return copy;
  }
}
