package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 6: a second cluster (its own ZooKeeper, its own cluster.id) is pointed at the first one's
 * {@code paths.local}. ZooKeeper cannot stop it, since it elects its own main; only the store lock
 * can. Its elected node must wait in {@code locking}, naming the holder, and never open the store
 * while the first cluster's main lives; the first cluster keeps serving untouched. When the first
 * cluster stops gracefully, the second one's node gets the lock and serves the first one's data,
 * at the next epoch of the store.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault6SecondClusterSameStoreIT {

  private static final Duration WATCHED = LocalCluster.DEFAULT_SESSION_TIMEOUT.multipliedBy(3);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void aSecondClusterOnTheSameStoreWaitsForTheLockAndNeverOpensTheStoreMeanwhile() throws Exception {
    long started = System.nanoTime();
    LocalCluster first = LocalCluster.builder(dir).clusterId("first").coordinators(2).executors(2).start();
    Timing.log("fault 6: first cluster up", started);
    MainstayNodeProcess firstMain = first.main();
    MainstayNodeProcess firstStandby = first.liveCoordinators().stream().filter(c -> c != firstMain).findFirst().orElseThrow();
    long firstEpoch = firstMain.ping().epoch();

    try (CatalogWriter writer = new CatalogWriter(first::coordinators).start(1)) {
      writer.awaitAcks(10, firstMain, Await.GENEROUS);

      LocalCluster second = LocalCluster.builder(dir).clusterId("second").namePrefix("second-")
          .store(first.store()).coordinators(1).executors(0).build().launchAll();
      MainstayNodeProcess intruder = second.coordinators().get(0);
      intruder.awaitRole("locking", LocalCluster.STARTUP);
      String holder = "held by " + firstMain.name() + " pid " + firstMain.pid() + "@";
      intruder.process().awaitWhileRunning(intruder.name() + " to log that the lock is " + holder, Await.GENEROUS,
          () -> intruder.log().contains("waiting for the store lock") && intruder.log().contains(holder));
      Timing.log("fault 6: the second cluster's " + intruder.name() + " is locking, naming " + firstMain.name(), started);

      Watch waits = Watch.start(intruder.name() + " locking, " + firstMain.name() + " main at epoch " + firstEpoch,
          Duration.ofMillis(100), () -> {
            String role = intruder.ping().role();
            Ping ping = firstMain.ping();
            if (!"locking".equals(role)) {
              return intruder.name() + " is " + role;
            }
            return Ping.MAIN.equals(ping.role()) && ping.epoch() == firstEpoch ? null : firstMain.name() + ": " + ping.json();
          });
      writer.awaitAcks(10, firstMain, Await.GENEROUS);
      Thread.sleep(Math.max(0, WATCHED.toMillis()));
      waits.stopAndAssert();
      assertFalse(intruder.log().contains("store opened"), intruder.name() + " opened the store while it was locked");
      Invariants.check(first, writer);

      // Hand the store over: the first cluster stops gracefully (its standby first, so it does not take the lock).
      writer.stop();
      first.stopGracefully(firstStandby);
      long stoppedAt = System.nanoTime();
      first.stopGracefully(firstMain);
      intruder.awaitRole(Ping.MAIN, Await.GENEROUS);
      Timing.log("fault 6: " + intruder.name() + " main after " + firstMain.name() + " stopped gracefully", stoppedAt);

      assertEquals(firstEpoch + 1, intruder.ping().epoch(), "the second cluster continues the store's epochs");
      JsonNode terms = intruder.http().epochs().json().path("epochs");
      JsonNode handedOver = terms.get(terms.size() - 2);
      assertEquals(firstMain.name(), handedOver.path("node").asText(), "the term before: " + terms);
      assertNotNull(handedOver.path("until").textValue(), "the first main's term ended gracefully: " + terms);
      Invariants.check(second, writer, first);
    }
    Timing.log("fault 6: done", started);
  }
}
