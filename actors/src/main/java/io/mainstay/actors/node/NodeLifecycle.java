package io.mainstay.actors.node;

/** How a node ends its process: the supervisor decides when, the runtime knows how. */
public interface NodeLifecycle {

  int EXIT_GRACEFUL = 0;
  int EXIT_FAILURE = 1;
  int EXIT_BAD_CONFIGURATION = 2;
  int EXIT_LOST_MAIN = 3;

  /** Ends the process with {@code code}; {@code reason} is the one line an operator reads. */
  void exit(int code, String reason);
}
