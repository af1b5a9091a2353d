package io.mainstay.testkit.localcluster;

/** A command that cannot go on: its message is printed as one line and the command exits with code 1. */
final class LocalClusterException extends RuntimeException {

  LocalClusterException(String message) {
    super(message);
  }
}
