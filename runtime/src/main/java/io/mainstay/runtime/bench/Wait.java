package io.mainstay.runtime.bench;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling with a deadline. */
final class Wait {

  private Wait() {}

  /**
   * Calls {@code probe} every {@code interval} until it returns non-null, and returns that; fails with
   * {@code what} in the message when {@code timeout} passes, or as soon as {@code stillPossible} says
   * waiting is pointless (e.g. the process it waits for exited).
   */
  static <T> T until(String what, Duration timeout, Duration interval, Supplier<T> probe, Supplier<String> stillPossible) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      String impossible = stillPossible.get();
      if (impossible != null) {
        throw new BenchmarkException("gave up waiting for " + what + ": " + impossible);
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      sleep(interval);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted");
    }
  }
}
