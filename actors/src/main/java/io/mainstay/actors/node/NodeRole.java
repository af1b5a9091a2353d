package io.mainstay.actors.node;

import java.util.Locale;

/** Where a node stands, as /ping and the logs report it. */
public enum NodeRole {
  /** Registering with ZooKeeper. */
  STARTING,
  /** Main-eligible, waiting in the election. */
  STANDBY,
  /** Elected; waiting for the exclusive store lock. */
  LOCKING,
  /** Elected and holding the lock; opening the store, taking the epoch, publishing. */
  OPENING,
  /** The active main. */
  MAIN,
  /** The main, but its ZooKeeper connection is suspended: it refuses all work until it reconnects. */
  FENCED,
  /** A coordinator that is not main-eligible. */
  COORDINATOR,
  /** A node that only executes. */
  EXECUTOR,
  /** Leaving gracefully. */
  STOPPING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True from the moment this node was elected: losing leadership then ends the process. */
  public boolean holdsLeadership() {
    return this == LOCKING || this == OPENING || this == MAIN || this == FENCED;
  }
}
