package io.mainstay.actors.node;

/** How a node ends its process: the supervisor decides when, the runtime knows how. */
public interface NodeLifecycle {

  int EXIT_GRACEFUL = 0;
  int EXIT_FAILURE = 1;
  int EXIT_BAD_CONFIGURATION = 2;
  int EXIT_LOST_MAIN = 3;

  /** Ends the process with {@code code}; {@code reason} is the one line an operator reads. */
  void exit(int code, String reason);

  /**
   * A graceful stop has closed the store, released the lock and now leaves ZooKeeper. The main downs
   * this node in the Pekko Cluster as soon as its ZooKeeper record vanishes, which ends the actor
   * system, possibly before the supervisor gets to {@link #exit}: from now on that is the stop
   * completing, not a failure.
   */
  default void leaving() {}

  /**
   * This node was elected: from now on it holds, or is taking, the main's term. Should the actor system
   * end under it (the cluster downed it because ZooKeeper no longer lists it: its session expired while it
   * was paused or cut off), that is losing main status, not a failure of the node.
   */
  default void leading() {}
}
