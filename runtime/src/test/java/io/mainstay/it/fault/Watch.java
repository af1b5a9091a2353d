package io.mainstay.it.fault;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks a condition over and over in the background while a fault runs, and remembers the first
 * time it failed: "the same main throughout" cannot be checked only before and after.
 */
final class Watch implements AutoCloseable {

  /** Returns null while all is well, else what went wrong. */
  interface Check extends Callable<String> {}

  private final String what;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<String> violation = new AtomicReference<>();
  private final AtomicInteger samples = new AtomicInteger();
  private final Thread thread;

  private Watch(String what, Duration period, Check check) {
    this.what = what;
    this.thread = new Thread(() -> {
      while (running.get()) {
        String problem;
        try {
          problem = check.call();
        } catch (Exception | AssertionError e) {
          problem = e.toString();
        }
        if (!running.get()) {
          return; // stopped while checking: this sample may be cut short, it does not count
        }
        if (problem != null) {
          violation.compareAndSet(null, problem);
        }
        samples.incrementAndGet();
        try {
          Thread.sleep(period.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "watch: " + what);
    thread.setDaemon(true);
  }

  static Watch start(String what, Duration period, Check check) {
    Watch watch = new Watch(what, period, check);
    watch.thread.start();
    return watch;
  }

  /** Stops the checks and fails with the first violation seen, if any; also fails if it never checked. */
  void stopAndAssert() {
    close();
    if (violation.get() != null) {
      throw new AssertionError(what + " was violated: " + violation.get());
    }
    if (samples.get() == 0) {
      throw new AssertionError(what + " was never checked");
    }
    System.out.printf("%s held over %d samples%n", what, samples.get());
  }

  @Override
  public void close() {
    // No interrupt: a check in the middle of an HTTP request would fail for the wrong reason.
    running.set(false);
    try {
      thread.join(Duration.ofSeconds(15).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
