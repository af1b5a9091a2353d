package io.mainstay.actors.main;

import io.mainstay.actors.coordination.NodeRecord;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How the main downs Pekko members that ZooKeeper no longer lists. A seam rather than a check of {@code
 * pekko.actor.provider}: production passes {@link #byZooKeeper}, actor unit tests (no Pekko Cluster, so
 * nothing to down) pass {@link #none}.
 */
@FunctionalInterface
public interface Downing {

  Behavior<ZooKeeperDowning.Command> create(
      String mainNode, long epoch, List<NodeRecord> liveNodes, Set<String> addressesSeen);

  /** {@link ZooKeeperDowning}, giving a reachable member without a record {@code reregisterGrace} to register again. */
  static Downing byZooKeeper(Duration reregisterGrace) {
    return (mainNode, epoch, liveNodes, addressesSeen) ->
        ZooKeeperDowning.create(mainNode, epoch, liveNodes, addressesSeen, reregisterGrace);
  }

  static Downing none() {
    return (mainNode, epoch, liveNodes, addressesSeen) -> Behaviors.ignore();
  }
}
