package io.mainstay.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes. Real processes take real time to start,
 * elect and fail over, so callers wait for facts instead of sleeping for guesses. A wait that fails
 * throws {@link AssertionError}: to a test it is a failed expectation, to a tool a state not reached.
 */
public final class Await {

  /** The default deadline: long enough for a loaded two-core machine, short enough to fail a hung test. */
  public static final Duration GENEROUS = Duration.ofSeconds(60);

  private static final long POLL_MILLIS = 50;

  private Await() {}

  /**
   * Waits until {@code condition} returns true. Exceptions and assertion errors it throws count as
   * "not yet" and the last one is reported if the deadline passes.
   */
  public static void until(String what, Duration deadline, Callable<Boolean> condition) {
    value(what, deadline, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
  }

  /** Waits until {@code supplier} returns a non-null value and returns it. */
  public static <T> T value(String what, Duration deadline, Callable<T> supplier) {
    return value(what, deadline, supplier, () -> null);
  }

  /**
   * Like {@link #value(String, Duration, Callable)}, but gives up before the deadline as soon as
   * {@code hopeless} says why waiting is pointless (non-null, e.g. the process waited for exited).
   */
  public static <T> T value(String what, Duration deadline, Callable<T> supplier, Supplier<String> hopeless) {
    long end = System.nanoTime() + deadline.toNanos();
    Throwable last = null;
    while (true) {
      try {
        T value = supplier.call();
        if (value != null) {
          return value;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception | AssertionError e) {
        last = e;
      }
      String why = hopeless.get();
      if (why != null) {
        throw new AssertionError("gave up waiting for " + what + ": " + why, last);
      }
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("timed out after " + seconds(deadline) + " waiting for " + what
            + (last == null ? "" : "; last failure: " + last), last);
      }
      pause();
    }
  }

  /**
   * Checks that {@code condition} holds on every poll for {@code period}: for what must not happen
   * while something else is true (a standby must not take over while the main lives). An
   * exception or assertion error from the condition fails at once.
   */
  public static void holds(String what, Duration period, Callable<Boolean> condition) {
    long end = System.nanoTime() + period.toNanos();
    do {
      try {
        if (!Boolean.TRUE.equals(condition.call())) {
          throw new AssertionError("no longer true: " + what);
        }
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError("failed while checking " + what, e);
      }
      pause();
    } while (System.nanoTime() - end < 0);
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  private static String seconds(Duration duration) {
    return String.format("%.1f s", duration.toMillis() / 1000.0);
  }
}
