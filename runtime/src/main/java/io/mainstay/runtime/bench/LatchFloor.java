package io.mainstay.runtime.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The floor: two {@link BareLatchNode} processes on the benchmark's ZooKeeper with the same session timeout.
 * Each round kills the leader with kill -9 and times, from just before the signal, until the other prints
 * {@code LEADER} (read by a thread of this process as it is printed); then the killed one is started again.
 * With {@code busyMs} > 0 the leader uses its session every {@code busyMs} ms (see {@link BareLatchNode}).
 */
final class LatchFloor {

  private record Line(String text, long nanoTime) {}

  /** One of the two latch processes; a restart replaces its process and its queue of lines. */
  private final class Member {
    final String id;
    ChildJvm jvm;
    BlockingQueue<Line> lines;
    /** What the current incarnation said last: LEADER or NOT_LEADER. */
    volatile boolean leader;

    Member(String id) {
      this.id = id;
    }

    void start() {
      BlockingQueue<Line> queue = new LinkedBlockingQueue<>();
      lines = queue;
      leader = false;
      jvm =
          processes.start(
              id,
              dir.resolve(id + ".log"),
              jvmOptions,
              BareLatchNode.class.getName(),
              List.of(zooKeeper, latchPath(), id, Long.toString(sessionTimeout.toMillis()), Long.toString(busyMs)),
              (text, at) -> {
                if (text.equals("LEADER")) {
                  leader = true;
                } else if (text.equals("NOT_LEADER")) {
                  leader = false;
                }
                queue.add(new Line(text, at));
              });
    }

    /**
     * The instant the next line starting with {@code prefix}, read after {@code notBefore} (a nanoTime), was
     * read; fails if the process exits first.
     */
    long await(String prefix, long notBefore, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Line line = lines.poll(50, TimeUnit.MILLISECONDS);
        if (line != null && line.text().startsWith(prefix) && line.nanoTime() - notBefore > 0) {
          return line.nanoTime();
        }
        if (line == null && !jvm.isAlive() && lines.isEmpty()) {
          throw new BenchmarkException(id + " exited before printing " + prefix + "; last lines:\n" + jvm.tail(20));
        }
      }
      throw new BenchmarkException(id + " did not print " + prefix + " within " + timeout.toSeconds() + " s");
    }
  }

  private String latchPath() {
    return "/mainstay-bench/floor/" + (busyMs > 0 ? "busy" : "idle");
  }

  private final Processes processes;
  private final Path dir;
  private final List<String> jvmOptions;
  private final String zooKeeper;
  private final Duration sessionTimeout;
  private final long busyMs;
  private final String label;

  LatchFloor(Processes processes, Path dir, List<String> jvmOptions, String zooKeeper, Duration sessionTimeout, long busyMs) {
    this.processes = processes;
    this.dir = dir;
    this.jvmOptions = jvmOptions;
    this.zooKeeper = zooKeeper;
    this.sessionTimeout = sessionTimeout;
    this.busyMs = busyMs;
    this.label = busyMs > 0 ? "floor (busy leader)" : "floor";
  }

  /** Milliseconds from kill -9 of the leader to the other's LEADER line, one per round. */
  List<Double> measure(int rounds, Duration timeout, Duration settle, java.util.function.Consumer<String> progress)
      throws InterruptedException {
    String prefix = busyMs > 0 ? "busy-latch-" : "latch-";
    Member first = new Member(prefix + "1");
    Member second = new Member(prefix + "2");
    long start = System.nanoTime();
    first.start();
    first.await("LEADER", start, timeout);
    second.start();
    second.await("READY", start, timeout);
    List<Double> floor = new ArrayList<>();
    try {
      for (int round = 1; round <= rounds; round++) {
        Thread.sleep(settle.toMillis());
        // ask the processes rather than assume: on a loaded machine a leader can lose its session meanwhile
        Member leader = Wait.until(
            label + ": exactly one leader", timeout, Duration.ofMillis(20),
            () -> first.leader != second.leader && first.jvm.isAlive() && second.jvm.isAlive()
                ? (first.leader ? first : second) : null,
            () -> null);
        Member follower = leader == first ? second : first;
        long fault = System.nanoTime();
        leader.jvm.kill9();
        long elected = follower.await("LEADER", fault, timeout);
        double ms = (elected - fault) / 1_000_000.0;
        floor.add(ms);
        progress.accept(String.format("%s round %d/%d: kill -9 %s, %s leader after %.0f ms", label, round, rounds, leader.id, follower.id, ms));
        leader.jvm.destroy();
        long restart = System.nanoTime();
        leader.start();
        leader.await("READY", restart, timeout);
      }
    } finally {
      first.jvm.destroy();
      second.jvm.destroy();
    }
    return floor;
  }
}
