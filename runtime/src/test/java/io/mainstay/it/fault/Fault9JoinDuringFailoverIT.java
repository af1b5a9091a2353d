package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault 9: nodes join during a failover, round after round. Two coordinators and an executor; kill -9 of
 * the main, the killed node started again at once, and the new main killed as soon as the restarted node
 * answers HTTP at all (still starting: its previous life's ZooKeeper record and Pekko member may linger,
 * and it is not yet in the election line). The restarted node must replace its leftovers, join, take
 * over, and serve; the executor, left for a while in a view with dead members only, must never down
 * itself; nothing acknowledged is lost.
 *
 * <p>At the long session, every takeover must come before the session would have expired: a figure above
 * it means some step waited for the dead process's session (its record, its latch entry or its member).
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault9JoinDuringFailoverIT {

  private static final int KILLS = 5;
  private static final int ACKS_AT_THE_END = 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @ParameterizedTest(name = "session {0} ms")
  @ValueSource(ints = {LocalCluster.DEFAULT_SESSION_TIMEOUT_MS, 30_000})
  void aNodeRestartedDuringAFailoverTakesOverAndNothingDownsItself(int sessionMs) {
    long started = System.nanoTime();
    LocalCluster cluster =
        LocalCluster.builder(dir.resolve("session-" + sessionMs)).coordinators(2).executors(1).sessionTimeoutMs(sessionMs).start();
    Timing.log("fault 9: 2 coordinators + 1 executor up at a " + sessionMs + " ms session", started);
    List<Long> takeovers = new ArrayList<>();
    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      MainstayNodeProcess main = cluster.main();
      MainstayNodeProcess restarted = null;
      for (int kill = 1; kill <= KILLS; kill++) {
        writer.round(kill);
        long epoch = main.ping().epoch();
        if (restarted != null) {
          MainstayNodeProcess starting = restarted;
          starting.process().awaitWhileRunning(starting.name() + " to answer HTTP", LocalCluster.STARTUP,
              () -> starting.ping().answered());
        }
        long killedAt = System.nanoTime();
        cluster.kill9(main);
        MainstayNodeProcess successor = cluster.awaitNewMain(main, epoch);
        long took = Timing.millisSince(killedAt);
        takeovers.add(took);
        Timing.log("fault 9 kill " + kill + " (session " + sessionMs + " ms): " + successor.name()
            + " main after kill -9 of " + main.name() + (restarted == null ? "" : ", itself restarted just before"), killedAt);
        assertEquals(epoch + 1, successor.ping().epoch(), "one epoch per takeover");
        if (sessionMs > LocalCluster.DEFAULT_SESSION_TIMEOUT_MS) {
          assertTrue(took < sessionMs, "kill " + kill + ": " + successor.name() + " became main " + took
              + " ms after the kill, not within the " + sessionMs + " ms session: a step waited for the dead process's session");
        }
        cluster.launch(main);
        restarted = main;
        main = successor;
      }
      cluster.awaitSettled();
      writer.awaitAcks(ACKS_AT_THE_END, main, Await.GENEROUS);
      writer.stop();
      assertEquals(List.of(), cluster.unplannedExits(), "no node exited on its own");
      Invariants.check(cluster, writer);
    }
    System.out.printf("fault 9 (session %d ms): takeovers after kill -9, ms: %s%n", sessionMs, takeovers);
    Timing.log("fault 9: done", started);
  }
}
