package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.ClusterStatus;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.node.ProbeReport;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A main that no executor ever registered with is still the main: an operator looking at it must see
 * what is missing, not a node that looks down.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class MainWithoutExecutorsIT {

  // Kept when a test fails, so the nodes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void answersPingAsMainAndListsNoExecutors() {
    ZooKeeperProcess zookeeper = ZooKeeperProcess.standalone(dir.resolve("zookeeper")).start();
    // Nothing here fails over, so the node keeps its default ZooKeeper session: a 2 s session can
    // expire on a loaded machine, and a main that loses its session rightly exits.
    MainstayNodeProcess main = MainstayNodeProcess.builder(dir, "coord")
        .zookeeper(zookeeper.connectString())
        .build()
        .start()
        .awaitRole(Ping.MAIN, Await.GENEROUS);

    Ping ping = main.ping();
    assertEquals(200, ping.status());
    assertTrue(ping.epoch() > 0, "epoch " + ping.epoch());

    ClusterStatus view = main.cluster();
    assertEquals(200, view.status(), view.json().toString());
    assertEquals("coord", view.mainNode());
    assertTrue(view.json().path("executors").isArray(), view.json().toString());
    assertTrue(view.executors().isEmpty(), view.json().toString());
    assertNull(view.executorsError(), view.json().toString());

    // A probe with nobody to ask is answered at once, empty, at the main's epoch.
    ProbeReport probe = main.probe(Duration.ofSeconds(5));
    assertEquals(200, probe.status(), probe.json().toString());
    assertEquals(ping.epoch(), probe.epoch());
    assertTrue(probe.answers().isEmpty(), probe.json().toString());
  }
}
