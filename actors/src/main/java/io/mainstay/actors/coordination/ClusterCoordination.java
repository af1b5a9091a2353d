package io.mainstay.actors.coordination;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the actors need from ZooKeeper, and nothing more: the runtime implements it with Curator, tests
 * with a fake. Facts arrive as {@link CoordinationEvent}s; actions complete asynchronously so that an
 * actor never blocks on a slow quorum.
 */
public interface ClusterCoordination {

  /**
   * Registers this node under {@code nodes/}, starts watching the main record and the nodes, and (when
   * {@code candidate}) joins the election. Fails if a live node already has this node's name.
   */
  void start(boolean candidate, ActorRef<CoordinationEvent> listener) throws Exception;

  /**
   * The first half of taking the main, which only reads: the next epoch, above both ZooKeeper's record and
   * {@code storeEpoch} (so that epochs only grow even when ZooKeeper's data was lost). The caller records it
   * in the store, then claims it with {@link #takeMain}.
   */
  CompletionStage<Long> nextEpoch(long storeEpoch);

  /**
   * The second half, one ZooKeeper transaction: takes {@code record.epoch()} by compare-and-set against what
   * {@link #nextEpoch} read (which fails every confirmation an older main could still attempt), publishes
   * {@code record} as the main (ephemeral, bound to our session) and, for a {@code dead} main, removes its
   * record, its election entry and its {@code nodes/} record, so the election passes to this node now
   * rather than when that main's session expires. Only for a caller holding the store lock. Changes nothing
   * and fails when another epoch was taken since {@link #nextEpoch}.
   */
  CompletionStage<Void> takeMain(MainRecord record, Optional<DeadMain> dead);

  /**
   * Removes what {@code dead} left (as {@link #takeMain} would) without taking anything: for a node that
   * holds the lock of a dead main before it can take over (still joining the Pekko cluster, which waits for
   * that very main to be downed, which waits for its {@code nodes/} record to go). Only for a caller holding
   * the store lock; the later {@link #takeMain} finds nothing left to remove.
   */
  CompletionStage<Void> removeLeftovers(DeadMain dead);

  /**
   * Completes normally only if, at a point after the call, this session still holds the main record at
   * {@code epoch} and no later epoch was taken. A write is acknowledged only after this.
   */
  CompletionStage<Void> confirmMain(long epoch);

  /** Whether another candidate stands in the election line behind this node (read from ZooKeeper). */
  CompletionStage<Boolean> successorInLine();

  /** Graceful exit: removes the main record (if ours), leaves the election and closes the session. */
  void withdraw();
}
