package io.mainstay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How busy the machine's cores are, from {@code /proc/stat}. A fault is measured on a quiet machine: the node
 * restarted after the previous round spends seconds on its start-up and warm-up at full speed on a 2-core
 * machine, and a handover measured meanwhile measures that start-up instead.
 */
final class CpuBusy {

  /** The share of all cores that was busy (0..1) over the last window, and how long the wait took. */
  record Quiet(double busy, Duration waited) {}

  private CpuBusy() {}

  /**
   * Waits until the cores were at most {@code threshold} busy over one {@code window}, for at most {@code
   * deadline}; answers the last window's share either way (NaN where there is no {@code /proc/stat}).
   */
  static Quiet await(double threshold, Duration window, Duration deadline) throws InterruptedException {
    long start = System.nanoTime();
    long[] before = sample();
    while (true) {
      Thread.sleep(window.toMillis());
      long[] after = sample();
      double busy = before == null || after == null ? Double.NaN : busy(before, after);
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (Double.isNaN(busy) || busy <= threshold || waited.compareTo(deadline) >= 0) {
        return new Quiet(busy, waited);
      }
      before = after;
    }
  }

  private static double busy(long[] before, long[] after) {
    long total = after[0] - before[0];
    long idle = after[1] - before[1];
    return total <= 0 ? 0 : (double) (total - idle) / total;
  }

  /** {total, idle + iowait} jiffies of the aggregate "cpu" line, or null. */
  private static long[] sample() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        total += Long.parseLong(fields[i]);
      }
      return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
