package io.mainstay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.runtime.config.NodeConfigLoader;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration the node cannot run with stops it with exit code 2 and one line naming the key,
 * before it binds any port; an unknown key only warns; a second live node with the same
 * {@code node.name} is refused.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class BadConfigurationIT {

  private static final int EXIT_BAD_CONFIGURATION = 2;
  /** How the node prints the one line on stderr. */
  private static final String ERROR_PREFIX = "mainstay: configuration error: ";
  /** Never contacted: every node here is refused before it gets to ZooKeeper. */
  private static final String UNUSED_ZOOKEEPER = "127.0.0.1:2181";

  // Kept when a test fails, so the processes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void unparsableHoconIsRefusedWithItsLine() throws IOException {
    MainstayNodeProcess node = node().build();
    // In the middle of the file rather than last, so the line reported is the bad one, not the end of the file.
    List<String> lines = new ArrayList<>(Files.readAllLines(node.confFile(), UTF_8));
    int badLine = 3;
    lines.add(badLine - 1, NodeConfigLoader.WEB_PORT + " = 9047 }");
    Files.write(node.confFile(), lines, UTF_8);

    assertRefusedBeforeBindingAnyPort(node, NodeConfigLoader.FILE_NAME, "line " + badLine);
  }

  @Test
  void masterWithoutCoordinatorIsRefused() throws IOException {
    assertRefusedBeforeBindingAnyPort(node().coordinator(false).mainEligible(true).build(),
        NodeConfigLoader.MASTER_ENABLED, NodeConfigLoader.COORDINATOR_ENABLED);
  }

  @Test
  void aNodeWithoutAnyRoleIsRefused() throws IOException {
    assertRefusedBeforeBindingAnyPort(node().coordinator(false).mainEligible(false).executor(false).build(),
        NodeConfigLoader.SERVICES, "no role");
  }

  @Test
  void embeddedZooKeeperOnANodeThatIsNotMasterEligibleIsRefused() throws IOException {
    int zkPort = Loopback.freePort();
    assertRefusedBeforeBindingAnyPort(node().mainEligible(false).embeddedZooKeeper(zkPort).build(),
        NodeConfigLoader.EMBEDDED_ZK_ENABLED, "not master-eligible", zkPort);
  }

  @Test
  void aMalformedZooKeeperStringIsRefused() throws IOException {
    assertRefusedBeforeBindingAnyPort(node().zookeeper("zk1:2181,zk2").build(), NodeConfigLoader.ZOOKEEPER, "'zk2' has no port");
  }

  @Test
  void aWebPortOutOfRangeIsRefused() throws IOException {
    assertRefusedBeforeBindingAnyPort(node().extraConf(NodeConfigLoader.WEB_PORT + " = 70000").build(),
        NodeConfigLoader.WEB_PORT, "70000 is out of range");
  }

  @Test
  void aPathsLocalThatCannotBeCreatedIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("a-regular-file"), "not a directory", UTF_8);
    Path underFile = file.resolve("store");
    assertRefusedBeforeBindingAnyPort(node().extraConf(NodeConfigLoader.PATHS_LOCAL + " = \"" + underFile + "\"").build(),
        NodeConfigLoader.PATHS_LOCAL, "cannot create directory " + underFile);
  }

  @Test
  void anUnknownKeyOnlyWarnsAndASecondLiveNodeWithTheSameNameIsRefused() {
    ZooKeeperProcess zk = ZooKeeperProcess.standalone(dir.resolve("zookeeper")).start();
    MainstayNodeProcess live = MainstayNodeProcess.builder(dir, "twin")
        .zookeeper(zk.connectString())
        .sessionTimeoutMs(MainCandidates.SESSION_TIMEOUT_MS)
        .extraConf("services.coordinator.web.prot = 9047")
        .build()
        .start();
    live.awaitRole(Ping.MAIN, Await.GENEROUS);
    assertTrue(live.log().contains("unknown key 'services.coordinator.web.prot'"), "no warning naming the key: " + live.log());

    // Same name, own directory and ports. It first waits ~1.5 session timeouts in case the record
    // it finds is the stale one of its own previous life, then gives up.
    MainstayNodeProcess twin = MainstayNodeProcess.builder(dir.resolve("second"), "twin")
        .zookeeper(zk.connectString())
        .sessionTimeoutMs(MainCandidates.SESSION_TIMEOUT_MS)
        .build()
        .start();

    assertEquals(EXIT_BAD_CONFIGURATION, twin.waitForExit(Await.GENEROUS), twin.log());
    assertTrue(twin.log().contains("node.name 'twin' is already in use"), "no line saying the name is taken: " + twin.log());
    Ping ping = live.ping();
    assertEquals(200, ping.status(), "the live node after its twin was refused: " + ping.json());
    assertEquals(1, ping.epoch(), "the live node after its twin was refused: " + ping.json());
  }

  /** A master-eligible coordinator whose configuration each test spoils in its own way. */
  private MainstayNodeBuilder node() {
    return MainstayNodeProcess.builder(dir, "refused").zookeeper(UNUSED_ZOOKEEPER);
  }

  /**
   * Runs the node while this test holds its ports: a node that bound anything before checking its
   * configuration would fail on the taken port (exit 1, a bind error) instead of exiting 2.
   */
  private static void assertRefusedBeforeBindingAnyPort(MainstayNodeProcess node, String key, String detail,
      int... morePorts) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int port : IntStream.concat(IntStream.of(node.webPort(), node.fabricPort()), IntStream.of(morePorts)).toArray()) {
        // The wildcard address, as the node binds its ports: any bind of the node on this port fails.
        held.add(new ServerSocket(port));
      }
      node.start();
      int exitCode = node.waitForExit(Await.GENEROUS);
      String log = node.log();
      assertEquals(EXIT_BAD_CONFIGURATION, exitCode, "exit code; log: " + log);
      List<String> errors = log.lines().filter(line -> line.startsWith(ERROR_PREFIX)).toList();
      assertEquals(1, errors.size(), "one configuration error line; log: " + log);
      String error = errors.get(0);
      assertTrue(error.startsWith(ERROR_PREFIX + key + ": "), "the line names " + key + ": " + error);
      assertTrue(error.contains(detail), "the line says '" + detail + "': " + error);
      assertFalse(log.contains("starting node"), "got past the configuration check: " + log);
      assertFalse(log.contains("\tat "), "a stack trace instead of one line: " + log);
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }
}
