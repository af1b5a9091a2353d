package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.runtime.config.NodeConfig;
import io.mainstay.runtime.config.NodeConfigLoader;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.MainstayNodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test kit writes node configurations without knowing the runtime (it has no dependency on it): the
 * node's own loader must accept them as meant. The kit's own tests cover the rest of its node harness.
 */
class KitConfigurationTest {

  @TempDir
  Path dir;

  @Test
  void theNodesOwnLoaderAcceptsWhatTheBuilderWrites() throws Exception {
    Path store = dir.resolve("shared-store");
    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "node-a")
        .zookeeper("127.0.0.1:2181,127.0.0.1:2182")
        .sharedStore(store)
        .executor(true)
        .sessionTimeoutMs(2000)
        .extraConf("services.executor.slots = 3")
        .build();

    NodeConfigLoader.Loaded loaded = NodeConfigLoader.load(node.confFile().getParent());

    assertEquals(List.of(), loaded.warnings());
    NodeConfig config = loaded.config();
    assertEquals("node-a", config.nodeName());
    assertEquals(node.webUrl(), config.webUrl());
    assertNotEquals(config.webPort(), config.fabricPort());
    assertEquals(store.toAbsolutePath().normalize(), config.localPath());
    assertEquals("127.0.0.1:2181,127.0.0.1:2182", config.zookeeper());
    assertEquals(Duration.ofMillis(2000), config.zkSessionTimeout());
    assertTrue(config.coordinator() && config.mainEligible() && config.executor());
    assertFalse(config.embeddedZooKeeper());
    assertEquals(3, config.executorSlots());
  }

  @Test
  void aNodeWithEmbeddedZooKeeperConnectsToIt() throws Exception {
    int zkPort = Loopback.freePort();
    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "solo").embeddedZooKeeper(zkPort).build();

    NodeConfigLoader.Loaded loaded = NodeConfigLoader.load(node.confFile().getParent());

    assertEquals(List.of(), loaded.warnings());
    assertTrue(loaded.config().embeddedZooKeeper());
    assertEquals(zkPort, loaded.config().embeddedZooKeeperPort());
    assertEquals("127.0.0.1:" + zkPort, loaded.config().zookeeper());
    assertEquals(dir.resolve("solo").resolve("store").toAbsolutePath().normalize(), loaded.config().localPath());
  }
}
