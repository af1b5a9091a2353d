package io.mainstay.actors.coordination;

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
   * Takes the next epoch by compare-and-set: above both ZooKeeper's record and {@code storeEpoch}, so that
   * epochs only grow even when ZooKeeper's data was lost.
   */
  CompletionStage<Long> takeNextEpoch(long storeEpoch);

  /** Publishes this node as the main (an ephemeral record bound to our session). */
  CompletionStage<Void> publishMain(MainRecord record);

  /**
   * Completes normally only if, at a point after the call, this session still holds the main record at
   * {@code epoch} and no later epoch was taken. A write is acknowledged only after this.
   */
  CompletionStage<Void> confirmMain(long epoch);

  /**
   * Succession without the session timeout: removes the record of {@code main}, if it still names that main
   * at that epoch, then its election entry {@code leader}, so the election passes to the next in line now
   * rather than when the main's session expires. Only for a main proven gone: the caller holds the store
   * lock that main held.
   */
  CompletionStage<Void> displace(ElectionEntry leader, MainRecord main);

  /** Graceful exit: removes the main record (if ours), leaves the election and closes the session. */
  void withdraw();
}
