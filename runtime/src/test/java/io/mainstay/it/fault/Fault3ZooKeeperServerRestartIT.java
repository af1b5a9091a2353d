package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.ZooKeeperEnsemble;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 3: one server of a three-server ZooKeeper ensemble crashes (kill -9) and restarts on the same
 * port and data: the one the main is connected to (read from /proc; the leader if that cannot be told). It is no failover: the same main at the
 * same epoch throughout (it may be fenced, answering 503, while it reconnects within its
 * session), no new term in the store, no acknowledged write lost.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault3ZooKeeperServerRestartIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void restartingOneEnsembleServerIsNoFailover() throws Exception {
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir).ensemble(3).coordinators(2).executors(2).start();
    Timing.log("fault 3: ensemble of 3 + 2 coordinators + 2 executors up", started);
    ZooKeeperEnsemble ensemble = cluster.ensemble();
    MainstayNodeProcess main = cluster.main();
    long epoch = main.ping().epoch();
    int termsBefore = main.http().epochs().json().path("epochs").size();

    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      writer.awaitAcks(10, main, Await.GENEROUS);
      Watch sameMain = Watch.start("the same main " + main.name() + " at epoch " + epoch, Duration.ofMillis(100),
          () -> noFailover(cluster, main, epoch));

      Optional<ZooKeeperProcess> connected = ZooKeeperConnections.serverOf(main.pid(), ensemble);
      ZooKeeperProcess server = connected.orElseGet(() -> ensemble.leader(Await.GENEROUS));
      System.out.printf("fault 3: %s is connected to %s (%s); restarting it%n", main.name(),
          connected.map(ZooKeeperProcess::name).orElse("an unknown server, so the leader"), server.mode());
      long at = System.nanoTime();
      // A crash and restart on the same port and data. (A SIGTERM restart was tried first: on a loaded
      // machine the server stops passing its clients' pings to the leader well before it closes their
      // sockets, so 2 s sessions can expire before the clients even start to reconnect.)
      server.kill9();
      server.restart().favour();
      Timing.log("fault 3: " + server.name() + " restarted and serving", at);
      writer.awaitAcks(10, main, Await.GENEROUS);
      Timing.log("fault 3: writes acknowledged by " + main.name() + " after restarting " + server.name(), at);

      sameMain.stopAndAssert();
      writer.stop();
      assertSame(main, cluster.main(), "the main after the ZooKeeper restart");
      assertEquals(epoch, main.ping().epoch(), "the main's epoch after the ZooKeeper restart");
      assertEquals(termsBefore, main.http().epochs().json().path("epochs").size(), "no new term in the store");
      System.out.printf("fault 3: %s was fenced and resumed %d times%n", main.name(),
          main.log().lines().filter(l -> l.contains("fenced -> main")).count());
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 3: done", started);
  }

  /** Null while the main is the same at the same epoch (or fenced, 503) and no other node is main or taking over. */
  private static String noFailover(LocalCluster cluster, MainstayNodeProcess main, long epoch) {
    if (!main.isAlive()) {
      return main.name() + " exited";
    }
    Ping ping = main.ping();
    if (ping.answered() && !(Ping.MAIN.equals(ping.role()) && ping.epoch() == epoch) && !"fenced".equals(ping.role())) {
      return main.name() + " answers " + ping.status() + " " + ping.json();
    }
    for (MainstayNodeProcess other : cluster.liveCoordinators()) {
      if (other != main) {
        String role = other.ping().role();
        if (role != null && !Ping.STANDBY.equals(role)) {
          return other.name() + " is " + role;
        }
      }
    }
    return null;
  }
}
