package io.mainstay.bench;

import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.ClusterStatus;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One measured fault: kill -9 (crash) or SIGTERM (graceful) of the main, then, from the instant just before
 * the signal, the time until (a) the other coordinator answers {@code /ping} 200, (b) it lists every
 * executor registered at its new epoch, (c) it acknowledges a catalog write that was tried from the fault on.
 */
final class FailoverRound implements AutoCloseable {

  enum Mode {
    CRASH("kill -9"),
    GRACEFUL("SIGTERM");

    final String signal;

    Mode(String signal) {
      this.signal = signal;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What one round measured; times in ms from the fault. {@code exitCode} of the old main, -1 if it had to be killed. */
  record Result(
      Mode mode,
      int round,
      String from,
      String to,
      long oldEpoch,
      long newEpoch,
      double newMainMs,
      double executorsMs,
      double firstWriteMs,
      long faultWallMillis,
      int exitCode) {}

  private static final long PING_EVERY_MS = 5;
  private static final long CLUSTER_EVERY_MS = 10;
  private static final long WRITE_EVERY_MS = 10;

  private final LocalCluster cluster;
  private final MainWatch watch;
  private final AcknowledgedWrites writes;
  private final Duration timeout;
  private final ExecutorService pollers =
      Executors.newFixedThreadPool(
          3,
          runnable -> {
            Thread thread = new Thread(runnable, "bench-round-poller");
            thread.setDaemon(true);
            return thread;
          });

  FailoverRound(LocalCluster cluster, MainWatch watch, AcknowledgedWrites writes, Duration timeout) {
    this.cluster = cluster;
    this.watch = watch;
    this.writes = writes;
    this.timeout = timeout;
  }

  Result run(Mode mode, int round, MainstayNodeProcess main) throws InterruptedException {
    MainstayNodeProcess successor = cluster.other(main);
    Ping before = main.ping();
    if (!before.isMain()) {
      throw new BenchmarkException(main.name() + " is not the main before " + mode.label() + " round " + round);
    }
    long oldEpoch = before.epoch();
    Set<String> executors = Set.copyOf(cluster.executors().stream().map(MainstayNodeProcess::name).toList());
    String entry = "bench-" + mode.label() + "-" + round;
    long deadline = System.nanoTime() + timeout.toNanos();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch newMainSeen = new CountDownLatch(1);
    AtomicLong newEpoch = new AtomicLong(-1);

    Future<Long> a =
        pollers.submit(() -> {
          go.await();
          long at = pollUntil(deadline, PING_EVERY_MS, () -> {
            long sent = System.nanoTime();
            Ping ping = successor.ping();
            if (!ping.isMain()) {
              return null;
            }
            long answered = System.nanoTime();
            watch.observe(successor.name(), ping.epoch(), sent, answered);
            newEpoch.set(ping.epoch());
            return answered;
          });
          newMainSeen.countDown();
          return at;
        });
    // A standby asked for the cluster view while the dead main's record still stands waits for the dead
    // main's registry; asking only once the successor is main keeps that wait out of figure (b).
    Future<Long> b =
        pollers.submit(() -> {
          go.await();
          newMainSeen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
          return pollUntil(deadline, CLUSTER_EVERY_MS, () ->
              allRegistered(successor.cluster(), executors, oldEpoch) ? Long.valueOf(System.nanoTime()) : null);
        });
    Future<Long> c =
        pollers.submit(() -> {
          go.await();
          return pollUntil(deadline, WRITE_EVERY_MS, () -> {
            String document = "{\"round\":" + round + ",\"mode\":\"" + mode.label() + "\"}";
            if (writes.put(successor, entry, document).status() != 200) {
              return null;
            }
            AcknowledgedWrites.Ack ack = writes.ack(entry);
            watch.observe(successor.name(), ack.epoch(), ack.sentAtNanos(), ack.answeredAtNanos());
            return ack.answeredAtNanos();
          });
        });

    long faultWall = System.currentTimeMillis();
    long fault = System.nanoTime();
    if (mode == Mode.CRASH) {
      cluster.kill9(main);
    } else {
      cluster.sigterm(main);
    }
    go.countDown();

    List<Long> reached = new ArrayList<>();
    try {
      for (Future<Long> figure : List.of(a, b, c)) {
        reached.add(await(figure, mode, round, successor));
      }
    } finally {
      List.of(a, b, c).forEach(figure -> figure.cancel(true));
    }
    OptionalInt exit = main.process().exitCodeWithin(Duration.ofSeconds(30));
    int exitCode = exit.orElse(-1);
    if (exit.isEmpty()) {
      cluster.kill9(main);
    }
    return new Result(
        mode,
        round,
        main.name(),
        successor.name(),
        oldEpoch,
        newEpoch.get(),
        millis(reached.get(0) - fault),
        millis(reached.get(1) - fault),
        millis(reached.get(2) - fault),
        faultWall,
        exitCode);
  }

  private long await(Future<Long> figure, Mode mode, int round, MainstayNodeProcess successor) throws InterruptedException {
    try {
      return figure.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof BenchmarkException ? cause.getMessage() : cause.toString();
      throw new BenchmarkException(mode.label() + " round " + round + ": " + why + diagnosis(successor));
    } catch (TimeoutException e) {
      figure.cancel(true);
      throw new BenchmarkException(mode.label() + " round " + round + ": no answer in time" + diagnosis(successor));
    }
  }

  private static String diagnosis(MainstayNodeProcess successor) {
    return (successor.isAlive() ? "" : "\n" + successor.name() + " is not running") + successor.process().lastLines();
  }

  /**
   * True when the view comes from a main above {@code olderThanEpoch} that lists exactly the expected
   * executors, each registered at that main's epoch.
   */
  static boolean allRegistered(ClusterStatus view, Set<String> expected, long olderThanEpoch) {
    if (view.status() != 200 || !Ping.MAIN.equals(view.role()) || view.mainEpoch() <= olderThanEpoch) {
      return false;
    }
    Map<String, Long> epochs = view.executorEpochs();
    return epochs.keySet().equals(expected) && epochs.values().stream().allMatch(epoch -> epoch == view.mainEpoch());
  }

  /** Calls {@code attempt} every {@code everyMs} until it returns an instant (not null); fails at the deadline. */
  private static long pollUntil(long deadline, long everyMs, Supplier<Long> attempt) throws InterruptedException {
    while (true) {
      Long at = attempt.get();
      if (at != null) {
        return at;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("the successor did not get there before the round's deadline");
      }
      Thread.sleep(everyMs);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  @Override
  public void close() {
    pollers.shutdownNow();
  }
}
