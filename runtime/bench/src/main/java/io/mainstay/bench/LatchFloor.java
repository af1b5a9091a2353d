package io.mainstay.bench;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.LineQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The floor: two {@link BareLatchNode} processes on the benchmark's ZooKeeper with the same session timeout.
 * Each round kills the leader with kill -9 and times, from just before the signal, until the other prints
 * {@code LEADER} (read by a thread of this process as it is printed); then the killed one is started again.
 * With {@code busyMs} > 0 the leader uses its session every {@code busyMs} ms (see {@link BareLatchNode}).
 */
final class LatchFloor {

  /** One of the two latch processes; a restart replaces its process and its queue of lines. */
  private final class Member implements JavaProcess.LineListener {
    final String id;
    JavaProcess jvm;
    LineQueue lines;
    /** What the current incarnation said last: LEADER or NOT_LEADER. */
    volatile boolean leader;

    Member(String id) {
      this.id = id;
    }

    void start() {
      lines = new LineQueue();
      leader = false;
      jvm = JavaProcess.launch(id, BareLatchNode.class.getName())
          .logFile(dir.resolve(id + ".log"))
          .jvmOptions(jvmOptions)
          .args(List.of(zooKeeper, latchPath(), id, Long.toString(sessionTimeout.toMillis()), Long.toString(busyMs)))
          .onLine(this)
          .start();
    }

    @Override
    public void onLine(String text, long nanoTime) {
      if (text.equals("LEADER")) {
        leader = true;
      } else if (text.equals("NOT_LEADER")) {
        leader = false;
      }
      lines.onLine(text, nanoTime);
    }

    @Override
    public void onEnd() {
      lines.onEnd();
    }

    /**
     * The instant the next line starting with {@code prefix}, read after {@code notBefore} (a nanoTime), was
     * read; fails if the process's output ends first.
     */
    long await(String prefix, long notBefore, Duration timeout) {
      return lines.await(jvm, line -> line.text().startsWith(prefix) && line.nanoTime() - notBefore > 0, timeout)
          .nanoTime();
    }
  }

  private String latchPath() {
    return "/mainstay-bench/floor/" + (busyMs > 0 ? "busy" : "idle");
  }

  private final Path dir;
  private final List<String> jvmOptions;
  private final String zooKeeper;
  private final Duration sessionTimeout;
  private final long busyMs;
  private final String label;

  LatchFloor(Path dir, List<String> jvmOptions, String zooKeeper, Duration sessionTimeout, long busyMs) {
    this.dir = dir;
    this.jvmOptions = jvmOptions;
    this.zooKeeper = zooKeeper;
    this.sessionTimeout = sessionTimeout;
    this.busyMs = busyMs;
    this.label = busyMs > 0 ? "floor (busy leader)" : "floor";
  }

  /** Milliseconds from kill -9 of the leader to the other's LEADER line, one per round. */
  List<Double> measure(int rounds, Duration timeout, Duration settle, Consumer<String> progress)
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
        Member leader = Await.value(label + ": exactly one leader", timeout,
            () -> first.leader != second.leader && first.jvm.isAlive() && second.jvm.isAlive()
                ? (first.leader ? first : second) : null);
        Member follower = leader == first ? second : first;
        long fault = System.nanoTime();
        leader.jvm.kill9();
        long elected = follower.await("LEADER", fault, timeout);
        double ms = (elected - fault) / 1_000_000.0;
        floor.add(ms);
        progress.accept(String.format("%s round %d/%d: kill -9 %s, %s leader after %.0f ms", label, round, rounds, leader.id, follower.id, ms));
        long restart = System.nanoTime();
        leader.start();
        leader.await("READY", restart, timeout);
      }
    } finally {
      for (Member member : List.of(first, second)) {
        if (member.jvm.isAlive()) {
          member.jvm.kill9();
        }
      }
    }
    return floor;
  }
}
