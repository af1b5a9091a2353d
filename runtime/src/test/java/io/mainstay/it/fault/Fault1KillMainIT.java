package io.mainstay.it.fault;

import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 1: kill -9 of the main under a steady stream of catalog writes, three rounds. Each round a
 * standby takes over at a higher epoch, the executors follow it, and the killed node comes back as
 * a standby before the next round. Nothing acknowledged may be lost, no two mains may share an epoch.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault1KillMainIT {

  private static final int ROUNDS = 3;
  private static final int ACKS_PER_PHASE = 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void killMinus9OfTheMainUnderWritesLosesNothingAcknowledged() {
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir).coordinators(3).executors(2).start();
    Timing.log("fault 1: cluster of 3 coordinators + 2 executors up", started);
    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      MainstayNodeProcess main = cluster.main();
      for (int round = 1; round <= ROUNDS; round++) {
        writer.round(round);
        long epoch = main.ping().epoch();
        writer.awaitAcks(ACKS_PER_PHASE, main, Await.GENEROUS);

        long killedAt = System.nanoTime();
        cluster.kill9(main);
        MainstayNodeProcess successor = cluster.awaitNewMain(main, epoch);
        Timing.log("fault 1 round " + round + ": " + successor.name() + " main after kill -9 of " + main.name(), killedAt);
        writer.awaitAcks(ACKS_PER_PHASE, successor, Await.GENEROUS);
        Timing.log("fault 1 round " + round + ": writes acknowledged again", killedAt);
        cluster.awaitExecutorsRegistered(successor);
        Timing.log("fault 1 round " + round + ": both executors registered at the new epoch", killedAt);

        // Only now: a JVM starting is the heaviest load on two cores, and would slow the failover it overlapped.
        cluster.restartAsStandby(main);
        Timing.log("fault 1 round " + round + ": " + main.name() + " back as standby", killedAt);
        main = successor;
      }
      writer.stop();
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 1: done", started);
  }
}
