package io.mainstay.actors.membership;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How a node downs Pekko members that ZooKeeper no longer lists. A seam rather than a check of {@code
 * pekko.actor.provider}: production passes {@link #byZooKeeper}, actor unit tests (no Pekko Cluster, so
 * nothing to down) pass {@link #none}.
 */
@FunctionalInterface
public interface Downing {

  /** {@code current}: the view as it is when the downing (re)starts; later changes arrive as messages. */
  Behavior<ZooKeeperDowning.Command> create(String node, Supplier<LiveView> current);

  /** {@link ZooKeeperDowning}, giving a reachable member without a record {@code reregisterGrace} to register again. */
  static Downing byZooKeeper(Duration reregisterGrace) {
    return (node, current) -> ZooKeeperDowning.create(node, current, reregisterGrace);
  }

  static Downing none() {
    return (node, current) -> Behaviors.ignore();
  }
}
