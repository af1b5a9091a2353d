package io.mainstay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node harness without a node process: the configuration it writes and how it reports a silent node. */
class MainstayNodeHarnessTest {

  @TempDir
  Path dir;

  @Test
  void theBuilderWritesWhatItWasGivenAndItsOwnPorts() throws Exception {
    Path store = dir.resolve("shared-store");
    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "node-a")
        .zookeeper("127.0.0.1:2181,127.0.0.1:2182")
        .sharedStore(store)
        .executor(true)
        .sessionTimeoutMs(2000)
        .extraConf("services.executor.slots = 3")
        .build();

    List<String> conf = Files.readAllLines(node.confFile());

    assertTrue(conf.contains("node.name = \"node-a\""), conf.toString());
    assertTrue(conf.contains("paths.local = \"" + store.toAbsolutePath() + "\""), conf.toString());
    assertTrue(conf.contains("zookeeper = \"127.0.0.1:2181,127.0.0.1:2182\""), conf.toString());
    assertTrue(conf.contains("services.coordinator.web.port = " + node.webPort()), conf.toString());
    assertTrue(conf.contains("services.fabric.port = " + node.fabricPort()), conf.toString());
    assertNotEquals(node.webPort(), node.fabricPort());
    assertTrue(conf.contains("zk.client.session.timeout = 2000"), conf.toString());
    assertEquals("services.executor.slots = 3", conf.get(conf.size() - 1), "extra lines come last, so they win");
    assertTrue(Files.isDirectory(store));
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
