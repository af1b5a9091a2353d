package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.Jvm;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second wall against two mains: a node elected in ZooKeeper still does not open a store whose
 * lock another process holds (a deposed main that has not noticed yet, say); it waits, saying who
 * holds it, and takes over once the lock is free.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class StoreLockIT {

  private static final String LOCKING = "locking";
  /** How long the elected node is watched for not opening the store while the lock is held. */
  private static final Duration WATCH = Duration.ofSeconds(3);

  // Kept when a test fails, so the processes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void anElectedNodeWaitsForALockHeldByAnotherProcessAndBecomesMainOnceItIsFreed() {
    ZooKeeperProcess zk = ZooKeeperProcess.standalone(dir.resolve("zookeeper")).start();
    Path store = dir.resolve("shared-store");
    JavaProcess holder = JavaProcess.launch("lock-holder", StoreLockHolder.class.getName())
        .logFile(dir.resolve("lock-holder.log"))
        .jvmOptions(Jvm.QUICK_START)
        .args(List.of(store.toString()))
        .start();
    holder.awaitLog(StoreLockHolder.READY, Await.GENEROUS);
    String owner = StoreLock.holder(store).orElseThrow();
    assertTrue(owner.contains(" pid " + holder.pid() + "@"), "the lock file names its holder: " + owner);

    MainstayNodeProcess node = MainstayNodeProcess.builder(dir, "node-a")
        .zookeeper(zk.connectString())
        .sharedStore(store)
        .sessionTimeoutMs(MainCandidates.SESSION_TIMEOUT_MS)
        .build()
        .start();

    node.awaitRole(LOCKING, Await.GENEROUS);
    node.awaitLog("waiting for the store lock", Await.GENEROUS);
    assertTrue(node.log().contains("held by " + owner), "the wait names the holder " + owner + "; log: " + node.log());
    Await.holds(node + " stays elected but not main while the lock is held", WATCH, () -> {
      Ping ping = node.ping();
      return ping.status() == 503 && LOCKING.equals(ping.role()) && ping.main() == null;
    });
    assertFalse(Files.exists(store.resolve(MetadataStore.DB_DIR)), "LMDB was opened without the lock");

    holder.kill9();

    node.awaitRole(Ping.MAIN, Await.GENEROUS);
    assertEquals(1, node.ping().epoch());
    String newOwner = StoreLock.holder(store).orElseThrow();
    assertTrue(newOwner.startsWith(node.name() + " pid " + node.pid() + "@"), "lock file after the takeover: " + newOwner);
    new AcknowledgedWrites().putAcknowledged(node, "after-the-wait", AcknowledgedWrites.document("after-the-wait", 1));
  }
}
