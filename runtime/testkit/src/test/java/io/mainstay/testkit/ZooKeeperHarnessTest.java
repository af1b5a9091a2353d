package io.mainstay.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.zookeeper.ZooKeeperEnsemble;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Real ZooKeeper servers: a standalone one and an ensemble, through kill -9 and restart. */
@ExtendWith(ManagedProcesses.Extension.class)
class ZooKeeperHarnessTest {

  // Kept when a test fails, so the child processes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void standaloneServerKeepsItsDataAcrossKill9AndRestart() throws Exception {
    ZooKeeperProcess zk = ZooKeeperProcess.standalone(dir).start();
    assertEquals("standalone", zk.mode());
    try (CuratorFramework client = connect(zk.connectString())) {
      client.create().forPath("/harness", "kept".getBytes(UTF_8));
    }

    zk.kill9();
    assertFalse(zk.isRunning());
    zk.restart();

    try (CuratorFramework client = connect(zk.connectString())) {
      assertEquals("kept", new String(client.getData().forPath("/harness"), UTF_8));
    }
  }

  @Test
  void ensembleOfThreeSurvivesTheLossAndReturnOfItsLeader() throws Exception {
    ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(dir, 3);
    ZooKeeperProcess oldLeader = ensemble.leader(Await.GENEROUS);
    try (CuratorFramework client = connect(ensemble.connectString())) {
      client.create().forPath("/before", "1".getBytes(UTF_8));

      oldLeader.kill9();
      // Two of three are a quorum: they elect a new leader and keep taking writes.
      assertNotEquals(oldLeader, ensemble.leader(Await.GENEROUS));
      client.create().forPath("/during", "2".getBytes(UTF_8));
    }

    oldLeader.restart();

    assertEquals("follower", oldLeader.mode());
    // Asking only the member that came back proves it caught up with what it missed.
    try (CuratorFramework client = connect(oldLeader.connectString())) {
      assertEquals("1", new String(client.getData().forPath("/before"), UTF_8));
      assertEquals("2", new String(client.getData().forPath("/during"), UTF_8));
    }
  }

  private static CuratorFramework connect(String connectString) {
    CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, 10_000, 2_000, new RetryNTimes(100, 200));
    client.start();
    return client;
  }
}
