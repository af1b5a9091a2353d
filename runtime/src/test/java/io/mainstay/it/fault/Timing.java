package io.mainstay.it.fault;

/** Prints how long a step took, so the failsafe output shows where a fault test spends its time. */
final class Timing {

  private Timing() {}

  static long millisSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1_000_000;
  }

  static void log(String what, long sinceNanos) {
    System.out.printf("%s: %d ms%n", what, millisSince(sinceNanos));
  }
}
