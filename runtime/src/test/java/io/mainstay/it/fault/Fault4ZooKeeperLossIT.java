package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 4: the whole ZooKeeper (a standalone server) is killed -9 and stays away for three session
 * timeouts, then comes back on the same port and data. The main, its session lost, must exit with
 * code 3; nobody may become main while ZooKeeper is gone; afterwards exactly one main (the former
 * standby; the old main, restarted, is a standby), nothing acknowledged lost, the executors
 * registered with the new main at its epoch.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault4ZooKeeperLossIT {

  private static final Duration OUTAGE = LocalCluster.DEFAULT_SESSION_TIMEOUT.multipliedBy(3);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void losingAllOfZooKeeperEndsTheMainAndTheClusterComesBackWithOneMain() throws Exception {
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir).coordinators(2).executors(2).start();
    Timing.log("fault 4: cluster of 2 coordinators + 2 executors up", started);
    ZooKeeperProcess zk = cluster.zookeeper();
    MainstayNodeProcess oldMain = cluster.main();
    MainstayNodeProcess standby = cluster.liveCoordinators().stream().filter(c -> c != oldMain).findFirst().orElseThrow();
    long epoch = oldMain.ping().epoch();

    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      writer.awaitAcks(10, oldMain, Await.GENEROUS);

      long lostAt = System.nanoTime();
      zk.kill9();
      Watch noMain = Watch.start("no main while ZooKeeper is gone", Duration.ofMillis(100), () -> {
        for (MainstayNodeProcess c : cluster.liveCoordinators()) {
          Ping ping = c.ping();
          if (ping.status() == 200) {
            // the old main may still answer until it notices; after its session is lost it must not
            return c == oldMain && Timing.millisSince(lostAt) < LocalCluster.DEFAULT_SESSION_TIMEOUT_MS ? null
                : c.name() + " answers as main " + Timing.millisSince(lostAt) + " ms into the outage: " + ping.json();
          }
        }
        return null;
      });
      cluster.awaitExit(oldMain, 3, Await.GENEROUS);
      Timing.log("fault 4: " + oldMain.name() + " exited with code 3 after ZooKeeper went away", lostAt);
      long remaining = OUTAGE.toMillis() - Timing.millisSince(lostAt);
      if (remaining > 0) {
        Thread.sleep(remaining);
      }
      noMain.stopAndAssert();

      zk.restart().favour();
      Timing.log("fault 4: ZooKeeper back (outage)", lostAt);
      cluster.launch(oldMain); // the operator restarts the node that exited; it must come back as a standby
      MainstayNodeProcess successor = cluster.awaitNewMain(oldMain, epoch);
      assertEquals(standby, successor, "the new main is the former standby");
      Timing.log("fault 4: " + successor.name() + " main again", lostAt);
      writer.awaitAcks(10, successor, Await.GENEROUS);
      Timing.log("fault 4: writes acknowledged again", lostAt);
      cluster.awaitExecutorsRegistered(successor);
      Timing.log("fault 4: executors registered with the new main", lostAt);
      oldMain.awaitRole(Ping.STANDBY, LocalCluster.STARTUP);
      Timing.log("fault 4: " + oldMain.name() + " back as standby", lostAt);
      writer.stop();
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 4: done", started);
  }
}
