package io.mainstay.it.fault;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 10: the group commit under failover. Eight writers keep the catalog's batches full; the main is
 * killed (kill -9) in the middle of the stream, so a batch is in flight (committed or not, confirmed or
 * not); then its successor is stopped gracefully (SIGTERM) in the middle of the stream, with writes queued
 * behind the close. Every acknowledged write survives both, with its version; a write that was not
 * acknowledged is absent or whole.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault10WritesInFlightIT {

  private static final int WRITERS = 8;
  private static final int ACKS_PER_PHASE = 80;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void acknowledgedWritesSurviveAKillAndAGracefulStopInTheMiddleOfBatches() {
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir).coordinators(2).executors(1).start();
    Timing.log("fault 10: 2 coordinators + 1 executor up", started);
    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(WRITERS)) {
      MainstayNodeProcess killed = cluster.main();
      MainstayNodeProcess successor = failOver(cluster, writer, 1, killed, "kill -9", () -> cluster.kill9(killed));
      cluster.restartAsStandby(killed);
      MainstayNodeProcess last = failOver(cluster, writer, 3, successor, "SIGTERM", () -> cluster.stopGracefully(successor));
      writer.round(5);
      writer.awaitAcks(ACKS_PER_PHASE, last, Await.GENEROUS);
      writer.stop();
      System.out.printf("fault 10: %d writes acknowledged of %d attempted%n", writer.writes().acks().size(), writer.attempts());
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 10: done", started);
  }

  /** Writes acknowledged by {@code main} in round {@code round}, then {@code fault} in the middle of the stream, then the next main's. */
  private static MainstayNodeProcess failOver(
      LocalCluster cluster, CatalogWriter writer, int round, MainstayNodeProcess main, String what, Runnable fault) {
    long epoch = main.ping().epoch();
    writer.round(round);
    writer.awaitAcks(ACKS_PER_PHASE, main, Await.GENEROUS);
    long faultAt = System.nanoTime();
    fault.run();
    MainstayNodeProcess next = cluster.awaitNewMain(main, epoch);
    Timing.log("fault 10: " + next.name() + " main after " + what + " of " + main.name() + " under " + WRITERS + " writers", faultAt);
    writer.round(round + 1);
    writer.awaitAcks(ACKS_PER_PHASE, next, Await.GENEROUS);
    return next;
  }
}
