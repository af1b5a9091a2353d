package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets on a real node: registered from Parquet and CSV files the test writes with DuckDB, their schema,
 * files and rows as DuckDB sees them, surviving a restart of the node (the store has them), refreshed when
 * files are added, removed; and every location outside {@code paths.datasets} refused with one message.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class SqlDatasetsIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static Path root;
  private static MainstayNodeProcess node;
  private static NodeHttp http;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(dir.resolve("datasets")).toRealPath();
    Files.createDirectories(root.resolve("orders"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (int part = 0; part < 2; part++) {
        s.execute("COPY (SELECT i AS id, i % 7 AS customer, CAST(i AS DOUBLE) / 4 AS total FROM range(" + part * 1000 + ", "
            + (part + 1) * 1000 + ") t(i)) TO '" + root.resolve("orders/part-" + part + ".parquet") + "' (FORMAT PARQUET)");
      }
    }
    Files.writeString(root.resolve("regions.csv"), "code|name\n1|north\n2|south\n");
    node = MainstayNodeProcess.builder(dir, "sql-main")
        .embeddedZooKeeper(Loopback.freePort())
        .extraConf("paths.datasets: [\"" + root + "\"]")
        .extraConf("sql.sample-dataset: true")
        .httpTimeouts(new NodeHttp.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30)))
        .build()
        .start()
        .awaitRole(Ping.MAIN, Await.GENEROUS);
    http = node.http();
  }

  private static HttpResult put(String name, String body) {
    return http.request("PUT", "/api/v1/datasets/" + name, body);
  }

  @Test
  void parquetDatasetsShowSchemaFilesAndRowsAndComeBackAfterARestart() throws Exception {
    HttpResult put = put("orders", "{\"format\": \"parquet\", \"location\": \"" + root.resolve("orders") + "\"}");
    assertEquals(200, put.status(), put.body());
    JsonNode orders = put.json();
    assertEquals("[{\"name\":\"id\",\"type\":\"BIGINT\"},{\"name\":\"customer\",\"type\":\"BIGINT\"},{\"name\":\"total\",\"type\":\"DOUBLE\"}]",
        orders.get("schema").toString());
    assertEquals(2, orders.get("files").size());
    assertEquals(1000, orders.get("files").get(1).get("rows").asLong());
    assertEquals(2000, orders.get("rows").asLong());

    // a third file, then refresh: the store's entry follows the files
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT 5000 AS id, 1 AS customer, 1.0 AS total) TO '" + root.resolve("orders/part-2.parquet") + "' (FORMAT PARQUET)");
    }
    HttpResult refreshed = http.request("POST", "/api/v1/datasets/orders/refresh", null);
    assertEquals(200, refreshed.status(), refreshed.body());
    assertEquals(2001, refreshed.json().get("rows").asLong());
    assertEquals(orders.get("version").asLong() + 1, refreshed.json().get("version").asLong());

    // the sample, registered at the cluster's first start; removed, it must not come back with the restart
    Await.until("the sample dataset is registered", Await.GENEROUS,
        () -> http.request("GET", "/api/v1/datasets/sales", null).status() == 200);
    JsonNode sales = http.request("GET", "/api/v1/datasets/sales", null).json();
    assertEquals(100_000, sales.get("rows").asLong());
    assertEquals(2, sales.get("files").size());
    assertTrue(sales.get("files").get(0).get("path").asText().startsWith(root.resolve("sample").toString()), sales.toString());
    assertEquals(200, http.request("DELETE", "/api/v1/datasets/sales", null).status());

    node.sigterm();
    assertEquals(0, node.waitForExit(Await.GENEROUS));
    node.start().awaitRole(Ping.MAIN, Await.GENEROUS);
    HttpResult after = http.request("GET", "/api/v1/datasets/orders", null);
    assertEquals(200, after.status(), after.body());
    assertEquals(2001, after.json().get("rows").asLong());
    assertTrue(http.request("GET", "/api/v1/datasets", null).json().get("datasets").toString().contains("\"name\":\"orders\""));
    assertEquals(404, http.request("GET", "/api/v1/datasets/sales", null).status(), "a removed sample stays removed");
  }

  @Test
  void csvDatasetsTakeHeaderAndDelimiterAndAreRemovedByDelete() {
    HttpResult put = put("regions", "{\"format\": \"csv\", \"location\": \"" + root.resolve("regions.csv") + "\", \"delimiter\": \"|\"}");
    assertEquals(200, put.status(), put.body());
    assertEquals("[{\"name\":\"code\",\"type\":\"BIGINT\"},{\"name\":\"name\",\"type\":\"VARCHAR\"}]", put.json().get("schema").toString());
    assertEquals(200, http.request("DELETE", "/api/v1/datasets/regions", null).status());
    assertEquals(404, http.request("GET", "/api/v1/datasets/regions", null).status());
    assertEquals(404, http.request("DELETE", "/api/v1/datasets/regions", null).status());
    assertEquals(404, http.request("POST", "/api/v1/datasets/regions/refresh", null).status());
  }

  @Test
  void locationsOutsidePathsDatasetsAndBadBodiesAre400WithOneMessage() throws Exception {
    Files.createSymbolicLink(root.resolve("passwd.csv"), Path.of("/etc/passwd"));
    for (String location : new String[] {"/etc/passwd", root + "/../../../../etc/passwd", root + "/passwd.csv", "/etc/*", "etc/passwd"}) {
      HttpResult refused = put("stolen", "{\"format\": \"csv\", \"location\": \"" + location + "\"}");
      assertEquals(400, refused.status(), location + ": " + refused.body());
      assertTrue(refused.json().get("error").asText().contains("paths.datasets"), refused.body());
    }
    assertEquals(404, http.request("GET", "/api/v1/datasets/stolen", null).status());
    for (String body : new String[] {"", "[]", "{\"format\": \"orc\", \"location\": \"/x\"}", "{\"format\": \"csv\"}",
        "{\"format\": \"parquet\", \"location\": \"" + root + "\", \"header\": true}",
        "{\"format\": \"csv\", \"location\": \"" + root + "\", \"delimiter\": \";;\"}",
        "{\"format\": \"csv\", \"location\": \"" + root + "\", \"colour\": \"red\"}"}) {
      HttpResult refused = put("bad", body);
      assertEquals(400, refused.status(), body + ": " + refused.body());
      assertTrue(refused.json().has("error"), refused.body());
    }
    assertEquals(400, put("bad%20name", "{\"format\": \"csv\", \"location\": \"" + root + "\"}").status());
    HttpResult notParquet = put("regions-as-parquet", "{\"format\": \"parquet\", \"location\": \"" + root.resolve("regions.csv") + "\"}");
    assertEquals(400, notParquet.status(), notParquet.body());
    assertTrue(notParquet.json().get("error").asText().contains("cannot be read as parquet"), notParquet.body());
  }
}
