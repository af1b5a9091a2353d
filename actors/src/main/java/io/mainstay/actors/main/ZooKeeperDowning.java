package io.mainstay.actors.main;

import io.mainstay.actors.coordination.NodeRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper decides liveness: a Pekko member whose {@code nodes/} record vanished is downed at once by the
 * main, instead of waiting for Pekko's own failure detector. Only addresses once seen in ZooKeeper are
 * downed, so a node that has joined but whose record the main has not seen yet is left alone. "Seen"
 * counts from before this node became main: the old main's record vanishes before its successor is
 * elected, and it must not linger in the cluster, unreachable, until the split brain resolver acts.
 */
final class ZooKeeperDowning {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperDowning.class);

  private final String mainNode;
  private final long epoch;
  private final Cluster cluster;
  private final Set<String> seen = new HashSet<>();

  private ZooKeeperDowning(String mainNode, long epoch, Cluster cluster, Set<String> addressesSeen) {
    this.mainNode = mainNode;
    this.epoch = epoch;
    this.cluster = cluster;
    this.seen.addAll(addressesSeen);
  }

  /** Empty when the system runs without Pekko Cluster (actor unit tests): then there is nothing to down. */
  static Optional<ZooKeeperDowning> forSystem(
      ActorSystem<?> system, String mainNode, long epoch, Set<String> addressesSeen) {
    boolean clustered = "cluster".equals(system.settings().config().getString("pekko.actor.provider"));
    return clustered
        ? Optional.of(new ZooKeeperDowning(mainNode, epoch, Cluster.get(system), addressesSeen))
        : Optional.empty();
  }

  void onLiveNodes(List<NodeRecord> nodes) {
    Set<String> live = nodes.stream().map(NodeRecord::pekkoAddress).collect(Collectors.toSet());
    seen.addAll(live);
    String self = cluster.selfMember().address().toString();
    for (Member member : cluster.state().getMembers()) {
      String address = member.address().toString();
      if (seen.contains(address) && !live.contains(address) && !address.equals(self)) {
        log.info("node {} epoch {}: downing {}: its ZooKeeper record vanished", mainNode, epoch, address);
        cluster.manager().tell(new Down(member.address()));
      }
    }
  }
}
