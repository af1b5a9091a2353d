package io.mainstay.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Summary of one figure over the rounds, in milliseconds: min, median (mean of the two middle values for
 * an even count), p90 (nearest rank: the smallest value with at least 90% of the samples at or below it)
 * and max.
 */
record Stats(int count, double min, double median, double p90, double max, List<Double> samples) {

  static Stats of(List<Double> samplesMs) {
    if (samplesMs.isEmpty()) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
    }
    double[] sorted = samplesMs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double p90 = sorted[(int) Math.ceil(0.9 * n) - 1];
    return new Stats(n, sorted[0], median, p90, sorted[n - 1], List.copyOf(samplesMs));
  }

  /** Nearest rank, as {@link #p90}: the smallest sample with at least {@code fraction} of them at or below it. */
  double percentile(double fraction) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)];
  }

  boolean isEmpty() {
    return count == 0;
  }
}
