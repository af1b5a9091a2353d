package io.mainstay.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.Jvm;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.zookeeper.ZooKeeperEnsemble;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The process harness itself: real ZooKeeper servers, kill -9 and restart, and cleanup after a test. */
@ExtendWith(ManagedProcesses.Extension.class)
class ZooKeeperHarnessTest {

  // Kept when a test fails, so the child processes' logs can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** Left running and frozen by a test, for the extension to clean up. */
  private static JavaProcess abandoned;

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

  @Test
  void leavesAFrozenProcessBehind() throws Exception {
    abandoned = JavaProcess.launch("sleeper", Sleeper.class.getName())
        .logFile(dir.resolve("sleeper.log"))
        .jvmOptions(Jvm.QUICK_START)
        .start();
    abandoned.awaitLog(Sleeper.READY, Await.GENEROUS);

    abandoned.sigstop();

    Await.until("sleeper to be stopped", Await.GENEROUS, () -> "T".equals(state(abandoned.pid())));
  }

  @AfterAll
  static void theExtensionKilledTheFrozenProcessAfterItsTest() {
    assertNotNull(abandoned, "the test that leaves a process behind did not run");
    assertFalse(abandoned.isAlive(), abandoned + " outlived its test");
  }

  private static CuratorFramework connect(String connectString) {
    CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, 10_000, 2_000, new RetryNTimes(100, 200));
    client.start();
    return client;
  }

  /** The scheduler state letter from /proc: R, S, T (stopped), ... */
  private static String state(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name in parentheses may contain spaces; the state follows the closing one.
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }

  /** A child JVM that does nothing until it is killed. */
  static final class Sleeper {
    static final String READY = "sleeping";

    public static void main(String[] args) throws InterruptedException {
      System.out.println(READY);
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
