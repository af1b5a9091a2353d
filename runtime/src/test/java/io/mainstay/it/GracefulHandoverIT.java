package io.mainstay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.store.StoreLock;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.SharedZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/mainstay stop} is SIGTERM: on the main it hands over (stop writes, close the store,
 * release the lock, leave the election, exit 0); on a standby it just leaves.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class GracefulHandoverIT {

  private static final int ENTRIES = 50;
  /** How long the main is watched for staying main after its standby left. */
  private static final Duration WATCH = Duration.ofSeconds(3);

  @RegisterExtension
  static final SharedZooKeeper zookeeper = new SharedZooKeeper();

  // Kept when a test fails, so the processes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void sigtermOnTheMainHandsOverToTheStandbyWithEveryAcknowledgedWriteAndTheLock() throws Exception {
    MainCandidates pair = MainCandidates.start(dir, zookeeper.server(), "handover");
    MainstayNodeProcess oldMain = pair.main();
    MainstayNodeProcess successor = pair.other(oldMain);
    long oldEpoch = oldMain.ping().epoch();
    AcknowledgedWrites writes = new AcknowledgedWrites();
    for (int i = 0; i < ENTRIES; i++) {
      writes.putAcknowledged(oldMain, "entry-" + i, AcknowledgedWrites.document("entry-" + i, 1));
    }
    assertTrue(lockOwner(pair).startsWith(oldMain.name() + " pid " + oldMain.pid() + "@"),
        "lock file before the handover: " + lockOwner(pair));

    long stoppedAt = System.nanoTime();
    oldMain.sigterm();
    successor.awaitRole(Ping.MAIN, Await.GENEROUS);
    // Measured, not asserted: a timed assertion on a loaded two-core machine would only be flaky.
    System.out.printf("handover: %s main %d ms after SIGTERM to %s%n",
        successor.name(), (System.nanoTime() - stoppedAt) / 1_000_000, oldMain.name());

    assertEquals(0, oldMain.waitForExit(Await.GENEROUS), "exit code of the main after SIGTERM");
    assertTrue(successor.ping().epoch() > oldEpoch, "epoch after the handover: " + successor.ping().json());
    writes.assertAllServedBy(successor);
    assertTrue(lockOwner(pair).startsWith(successor.name() + " pid " + successor.pid() + "@"),
        "lock file after the handover: " + lockOwner(pair));
  }

  @Test
  void sigtermOnTheStandbyLeavesTheMainServing() {
    MainCandidates pair = MainCandidates.start(dir, zookeeper.server(), "standby-stop");
    MainstayNodeProcess main = pair.main();
    MainstayNodeProcess standby = pair.other(main);
    long epoch = main.ping().epoch();
    Await.until(main + " to list its standby", Await.GENEROUS, () -> listsStandby(main.http().cluster(), standby));

    standby.sigterm();

    assertEquals(0, standby.waitForExit(Await.GENEROUS), "exit code of the standby after SIGTERM");
    Await.until(main + " to stop listing the standby that left", Await.GENEROUS,
        () -> !listsStandby(main.http().cluster(), standby));
    Await.holds(main + " stays main at epoch " + epoch, WATCH,
        () -> main.ping().status() == 200 && main.ping().epoch() == epoch);
    new AcknowledgedWrites().putAcknowledged(main, "after-standby-left", AcknowledgedWrites.document("after-standby-left", 1));
  }

  /** Who the lock file in the shared {@code paths.local} names: "node pid N@host" for a node. */
  private static String lockOwner(MainCandidates pair) throws Exception {
    return Files.readString(pair.store().resolve(StoreLock.LOCK_FILE), UTF_8);
  }

  private static boolean listsStandby(HttpResult cluster, MainstayNodeProcess standby) {
    assertEquals(200, cluster.status(), "cluster view: " + cluster.body());
    for (JsonNode entry : cluster.json().path("standbys")) {
      if (standby.name().equals(entry.path("node").textValue())) {
        return true;
      }
    }
    return false;
  }
}
