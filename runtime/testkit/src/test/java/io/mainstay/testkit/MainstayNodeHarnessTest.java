package io.mainstay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node harness without a node process: the configuration it writes and how it reports a silent node. */
class MainstayNodeHarnessTest {

  @TempDir
  Path dir;

  /** Whether the node accepts these lines is the runtime's KitConfigurationTest; this is what the kit means by them. */
  @Test
  void byDefaultANodeIsAMainEligibleCoordinatorOnItsOwnStoreAndPorts() throws Exception {
    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "plain").zookeeper("127.0.0.1:1").build();
    MainstayNodeProcess other = MainstayNodeProcess.builder(dir, "other").zookeeper("127.0.0.1:1").build();

    List<String> conf = Files.readAllLines(node.confFile());

    assertTrue(conf.contains("cluster.id = \"it\""), conf.toString());
    assertTrue(conf.contains("services.coordinator.enabled = true"), conf.toString());
    assertTrue(conf.contains("services.coordinator.master.enabled = true"), conf.toString());
    assertTrue(conf.contains("services.coordinator.master.embedded-zookeeper.enabled = false"), conf.toString());
    assertTrue(conf.contains("services.executor.enabled = false"), conf.toString());
    assertTrue(conf.contains("paths.local = \"" + dir.resolve("plain").resolve("store").toAbsolutePath() + "\""));
    assertTrue(Files.isDirectory(dir.resolve("plain").resolve("store")));
    assertEquals(4, Set.of(node.webPort(), node.fabricPort(), other.webPort(), other.fabricPort()).size(),
        "every port handed out once");
    assertEquals("http://127.0.0.1:" + node.webPort(), node.webUrl());
  }

  @Test
  void aNodeNeedsAZooKeeperToConnectTo() {
    assertThrows(IllegalStateException.class, () -> MainstayNodeProcess.builder(dir, "lost").build());
  }

  @Test
  void aSilentNodeGivesNoAnswerRatherThanAnException() {
    MainstayNodeProcess neverStarted = MainstayNodeProcess.builder(dir, "silent").zookeeper("127.0.0.1:1").build();

    Ping ping = neverStarted.ping();

    assertFalse(ping.answered());
    assertNull(ping.role());
    assertEquals(HttpResult.NO_ANSWER, neverStarted.http().put("t", "{}").status());
  }
}
