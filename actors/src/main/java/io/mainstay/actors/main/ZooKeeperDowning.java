package io.mainstay.actors.main;

import io.mainstay.actors.coordination.NodeRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper decides liveness: a Pekko member that ZooKeeper does not list under {@code nodes/} is downed
 * by the main, instead of waiting for Pekko's own failure detector and the split brain resolver. A node
 * registers in ZooKeeper before it joins, yet the main may see the member before its record: so a member
 * is downed only when its record vanished after being seen, or when it is also unreachable. "Seen"
 * counts from before this node became main: the old main's record vanishes before its successor is
 * elected, and it must not linger in the cluster, unreachable, until the split brain resolver acts. A
 * member that died before this node watched ZooKeeper at all is caught by the unreachable rule.
 */
final class ZooKeeperDowning {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperDowning.class);

  private final String mainNode;
  private final long epoch;
  private final Cluster cluster;
  private final Set<String> seen = new HashSet<>();
  private Set<String> live = Set.of();

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

  /**
   * Asks the cluster to tell {@code subscriber} of every member the failure detector loses, those
   * already lost included.
   */
  void subscribeToUnreachable(ActorRef<ClusterEvent.UnreachableMember> subscriber) {
    cluster.subscriptions().tell(Subscribe.create(subscriber, ClusterEvent.UnreachableMember.class));
  }

  void onLiveNodes(List<NodeRecord> nodes) {
    live = nodes.stream().map(NodeRecord::pekkoAddress).collect(Collectors.toSet());
    seen.addAll(live);
    for (Member member : cluster.state().getMembers()) {
      if (seen.contains(member.address().toString())) {
        downIfNotLive(member, "its ZooKeeper record vanished");
      }
    }
  }

  void onUnreachable(Member member) {
    downIfNotLive(member, "unreachable and not registered in ZooKeeper");
  }

  private void downIfNotLive(Member member, String why) {
    String address = member.address().toString();
    boolean self = member.address().equals(cluster.selfMember().address());
    if (!self && !live.contains(address) && member.status() != MemberStatus.down()) {
      log.info("node {} epoch {}: downing {}: {}", mainNode, epoch, address, why);
      cluster.manager().tell(new Down(member.address()));
    }
  }
}
