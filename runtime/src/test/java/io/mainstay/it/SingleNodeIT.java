package io.mainstay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.runtime.config.NodeConfigLoader;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** One node that does everything, with its own embedded ZooKeeper, as Mainstay ships: it becomes main. */
@ExtendWith(ManagedProcesses.Extension.class)
class SingleNodeIT {

  /** The shipped configuration; failsafe runs in the runtime module, one level below it. */
  private static final Path SHIPPED_CONF = Path.of("").toAbsolutePath().getParent().resolve("conf").resolve("mainstay.conf");

  private static final ObjectMapper JSON = new ObjectMapper();

  // Kept when a test fails, so the node's log can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aNodeWithEmbeddedZooKeeperAndExecutorBecomesMainAndServesTheCatalog() {
    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "single")
        .embeddedZooKeeper(Loopback.freePort())
        .executor(true)
        .build()
        .start();

    assertServesAsFirstMain(node);
    assertEquals("single", node.ping().node());
  }

  @Test
  void theShippedConfigurationRunsAsASingleNode() throws Exception {
    assertTrue(Files.isRegularFile(SHIPPED_CONF), "no shipped configuration at " + SHIPPED_CONF);
    Path home = dir.resolve("shipped");
    Path confDir = Files.createDirectories(home.resolve("conf"));
    int webPort = Loopback.freePort();
    int fabricPort = Loopback.freePort();
    int zkPort = Loopback.freePort();
    // Appended, so they override the shipped values; only what lets it run beside other tests changes.
    List<String> overrides = List.of(
        "",
        "# test overrides: free ports, a temporary directory, loopback",
        NodeConfigLoader.PATHS_LOCAL + " = \"" + home.resolve("data") + "\"",
        NodeConfigLoader.EMBEDDED_ZK_PORT + " = " + zkPort,
        NodeConfigLoader.ZOOKEEPER + " = \"localhost:" + zkPort + "\"",
        NodeConfigLoader.WEB_PORT + " = " + webPort,
        NodeConfigLoader.FABRIC_PORT + " = " + fabricPort,
        NodeConfigLoader.NODE_HOST + " = \"127.0.0.1\"");
    Files.writeString(confDir.resolve(NodeConfigLoader.FILE_NAME),
        Files.readString(SHIPPED_CONF, UTF_8) + String.join("\n", overrides) + "\n", UTF_8);
    MainstayNodeProcess node = MainstayNodeProcess.onConf("shipped", home, confDir, webPort, fabricPort).start();

    assertServesAsFirstMain(node);
    String log = node.log();
    assertTrue(log.contains("roles coordinator+master+executor"), "the shipped roles: " + log);
    assertTrue(log.contains("embedded ZooKeeper serving on port " + zkPort), "the shipped embedded ZooKeeper: " + log);
    assertFalse(log.contains("unknown key"), "the shipped configuration has a key the node does not know: " + log);
  }

  /** Main at epoch 1 on {@code /ping}, and a catalog entry written, read back and listed. */
  private static void assertServesAsFirstMain(MainstayNodeProcess node) {
    node.awaitRole(Ping.MAIN, Await.GENEROUS);
    Ping ping = node.ping();
    assertEquals(200, ping.status());
    assertEquals(1, ping.epoch(), "the first main of a new cluster: " + ping.json());

    JsonNode document = JSON.createObjectNode().put("table", "orders").put("rows", 42);
    HttpResult put = node.http().put("orders", document.toString());
    assertEquals(200, put.status(), put.body());
    assertEquals("orders", put.json().path("name").textValue(), put.body());
    assertEquals(1, put.json().path("version").asLong(), put.body());

    HttpResult get = node.http().get("orders");
    assertEquals(200, get.status(), get.body());
    assertEquals(1, get.json().path("version").asLong(), get.body());
    assertEquals(document, get.json().path("document"), get.body());

    HttpResult list = node.http().list();
    assertEquals(200, list.status(), list.body());
    assertEquals("orders", list.json().path("entries").path(0).path("name").textValue(), list.body());
  }
}
