package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.Ping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fault 2: the main is frozen (SIGSTOP) past its session, then thawed (SIGCONT): three sessions of 4 s,
 * and 40 s at an operator's 30 s session. Its session expires, the standby is elected but must wait in
 * {@code locking}, naming the holder, for as long as the frozen process holds the store lock (its
 * succession, waiting on that lock, must not act either: a paused main is not a dead one). Thawed, the
 * old main must not acknowledge a single write (PUTs are fired at it the moment it wakes) and must exit
 * with code 3, which frees the lock; only then does the standby serve.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault2PausedMainIT {

  private static final int PUTS_AT_WAKE = 6;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @ParameterizedTest(name = "session {0} ms, paused {1} ms")
  @CsvSource({LocalCluster.DEFAULT_SESSION_TIMEOUT_MS + ", 12000", "30000, 40000"})
  void aPausedMainNeverAcknowledgesAfterWakingExits3AndOnlyThenTheStandbyServes(int sessionMs, long pauseMs) throws Exception {
    Duration pause = Duration.ofMillis(pauseMs);
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir.resolve("session-" + sessionMs))
        .coordinators(2).executors(2).sessionTimeoutMs(sessionMs).start();
    Timing.log("fault 2: cluster of 2 coordinators + 2 executors up at a " + sessionMs + " ms session", started);
    MainstayNodeProcess paused = cluster.main();
    MainstayNodeProcess standby = cluster.liveCoordinators().stream().filter(c -> c != paused).findFirst().orElseThrow();
    long epoch = paused.ping().epoch();

    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      writer.awaitAcks(10, paused, Await.GENEROUS);

      // Throughout: the standby answers main only once the old process is gone (and its lock with it).
      Watch lockHeld = Watch.start("no other main while " + paused.name() + " lives", Duration.ofMillis(100), () -> {
        Ping ping = standby.ping();
        boolean oldAlive = paused.isAlive(); // sampled after the ping: a main seen while this is true is a second main
        return Ping.MAIN.equals(ping.role()) && oldAlive ? standby.name() + " serves as main while " + paused + " lives" : null;
      });

      long stoppedAt = System.nanoTime();
      paused.sigstop();
      long frozenAt = System.nanoTime(); // kill -STOP has returned: from here the process runs no more
      standby.process().awaitWhileRunning(standby.name() + " to be elected and wait for the lock", Await.GENEROUS,
          () -> "locking".equals(standby.ping().role()));
      Timing.log("fault 2: " + standby.name() + " elected, locking", stoppedAt);
      String holder = "held by " + paused.name() + " pid " + paused.pid() + "@";
      standby.process().awaitWhileRunning(standby.name() + " to log that " + holder, Await.GENEROUS,
          () -> standby.log().contains("waiting for the store lock") && standby.log().contains(holder));

      long remaining = pause.toMillis() - Timing.millisSince(stoppedAt);
      if (remaining > 0) {
        Watch stillLocking = Watch.start(standby.name() + " locking while the lock is held", Duration.ofMillis(100),
            () -> "locking".equals(standby.ping().role()) ? null : standby.name() + " is " + standby.ping().json());
        Thread.sleep(remaining);
        stillLocking.stopAndAssert();
      }

      // Wake it and ask it to write at once, from several clients.
      long thawedAt = System.nanoTime();
      List<HttpResult> atWake = putsAtWake(writer, paused);
      Timing.log("fault 2: PUTs to the thawed main answered", stoppedAt);
      for (HttpResult answer : atWake) {
        assertTrue(answer.status() / 100 != 2, "the thawed main acknowledged a write: " + answer);
      }
      cluster.awaitExit(paused, 3, Await.GENEROUS);
      Timing.log("fault 2: " + paused.name() + " exited with code 3", stoppedAt);

      MainstayNodeProcess successor = cluster.awaitNewMain(paused, epoch);
      assertEquals(standby, successor);
      Timing.log("fault 2: " + successor.name() + " serves", stoppedAt);
      writer.awaitAcks(10, successor, Await.GENEROUS);
      lockHeld.stopAndAssert();
      writer.stop();

      for (AcknowledgedWrites.Ack ack : writer.writes().acks().values()) {
        if (ack.node().equals(paused.name())) {
          assertTrue(ack.sentAtNanos() < frozenAt && ack.answeredAtNanos() < thawedAt,
              "the paused main acknowledged a write sent while it was frozen or answered after it woke: " + ack);
        }
      }
      System.out.printf("fault 2: %d PUTs at wake, answers %s%n", atWake.size(),
          atWake.stream().map(a -> a.status() + " " + a.body().replaceAll("[0-9]+", "N")).distinct().toList());
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 2: done", started);
  }

  /** SIGCONT, then PUTs from several threads released the moment it returns, until the process is gone. */
  private static List<HttpResult> putsAtWake(CatalogWriter writer, MainstayNodeProcess paused) throws Exception {
    List<HttpResult> answers = new CopyOnWriteArrayList<>();
    CountDownLatch woken = new CountDownLatch(1);
    ExecutorService clients = Executors.newFixedThreadPool(PUTS_AT_WAKE);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < PUTS_AT_WAKE; i++) {
        running.add(clients.submit(() -> {
          woken.await();
          do {
            answers.add(writer.putOnce(paused));
          } while (paused.isAlive());
          return null;
        }));
      }
      paused.sigcont();
      woken.countDown();
      for (Future<?> f : running) {
        f.get(Await.GENEROUS.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    return answers;
  }
}
