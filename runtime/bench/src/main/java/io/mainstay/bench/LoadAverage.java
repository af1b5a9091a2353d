package io.mainstay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's 1-minute load average, so a figure can be read against how busy the cores were. */
final class LoadAverage {

  private LoadAverage() {}

  /** NaN where there is no {@code /proc/loadavg} (not Linux). */
  static double oneMinute() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
