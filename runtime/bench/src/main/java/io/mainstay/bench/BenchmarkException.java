package io.mainstay.bench;

/** The benchmark cannot go on: a process died, or the cluster did not reach a state in time. */
final class BenchmarkException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  BenchmarkException(String message) {
    super(message);
  }
}
