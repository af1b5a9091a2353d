package io.mainstay.actors.coordination;

import java.util.List;
import java.util.Optional;

/** What ZooKeeper tells a node, delivered as messages so that no actor ever blocks on ZooKeeper. */
public sealed interface CoordinationEvent {

  /** The connection dropped; the session may still be alive. A main must stop acting at once. */
  record ConnectionSuspended() implements CoordinationEvent {}

  /** The connection came back. {@code sameSession} is false after a LOST: ephemeral state is gone. */
  record ConnectionReconnected(boolean sameSession) implements CoordinationEvent {}

  /** The session is gone: every ephemeral node of ours, the election entry included, is gone. */
  record ConnectionLost() implements CoordinationEvent {}

  record LeadershipGranted() implements CoordinationEvent {}

  record LeadershipRevoked() implements CoordinationEvent {}

  /** The {@code main} record changed; empty while no main is published. */
  record MainChanged(Optional<MainRecord> main) implements CoordinationEvent {}

  /**
   * This node's place in the election changed: {@code leader} is the entry directly ahead of it when that
   * entry is the first in line (this node is next), empty otherwise.
   */
  record NextInLine(Optional<ElectionEntry> leader) implements CoordinationEvent {}

  /** The set of live nodes under {@code nodes/} changed. */
  record NodesChanged(List<NodeRecord> nodes) implements CoordinationEvent {}
}
