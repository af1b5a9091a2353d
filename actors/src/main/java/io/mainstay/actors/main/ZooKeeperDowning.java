package io.mainstay.actors.main;

import io.mainstay.actors.coordination.NodeRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * ZooKeeper decides liveness: the main downs a Pekko member as soon as ZooKeeper says its node is gone,
 * instead of waiting for Pekko's failure detector and split brain resolver. A member is downed when its
 * {@code nodes/} record vanished after it had been seen, or when Pekko finds it unreachable and ZooKeeper
 * has no record of it (a node that died while no main was watching). "Seen" counts from before this node
 * became main: the old main's record vanishes before its successor is elected, and it must not linger in
 * the cluster, unreachable, until the split brain resolver acts. A member that is merely new, reachable
 * and not yet in the main's view is left alone.
 */
final class ZooKeeperDowning extends AbstractBehavior<ZooKeeperDowning.Command> {

  sealed interface Command {}

  record LiveNodes(List<NodeRecord> nodes) implements Command {}

  private record Unreachable(Member member) implements Command {}

  private final String mainNode;
  private final long epoch;
  private final Cluster cluster;
  private final Set<String> seen = new HashSet<>();
  private Set<String> live = Set.of();

  /** A no-op when the system runs without Pekko Cluster (actor unit tests): there is nothing to down. */
  static Behavior<Command> create(
      String mainNode, long epoch, List<NodeRecord> liveNodes, Set<String> addressesSeen) {
    return Behaviors.setup(
        ctx -> {
          if (!"cluster".equals(ctx.getSystem().settings().config().getString("pekko.actor.provider"))) {
            return Behaviors.ignore();
          }
          ZooKeeperDowning downing = new ZooKeeperDowning(ctx, mainNode, epoch);
          downing.seen.addAll(addressesSeen);
          downing.onLiveNodes(new LiveNodes(liveNodes));
          return downing;
        });
  }

  private ZooKeeperDowning(ActorContext<Command> context, String mainNode, long epoch) {
    super(context);
    this.mainNode = mainNode;
    this.epoch = epoch;
    this.cluster = Cluster.get(context.getSystem());
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.UnreachableMember.class, e -> new Unreachable(e.member())),
                ClusterEvent.UnreachableMember.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LiveNodes.class, this::onLiveNodes)
        .onMessage(Unreachable.class, this::onUnreachable)
        .build();
  }

  private Behavior<Command> onLiveNodes(LiveNodes nodes) {
    live = nodes.nodes().stream().map(NodeRecord::pekkoAddress).collect(Collectors.toSet());
    seen.addAll(live);
    for (Member member : cluster.state().getMembers()) {
      String address = member.address().toString();
      if (seen.contains(address) && !live.contains(address)) {
        down(member, "its ZooKeeper record vanished");
      }
    }
    return this;
  }

  private Behavior<Command> onUnreachable(Unreachable unreachable) {
    if (!live.contains(unreachable.member().address().toString())) {
      down(unreachable.member(), "unreachable and not registered in ZooKeeper");
    }
    return this;
  }

  private void down(Member member, String why) {
    Address address = member.address();
    if (address.equals(cluster.selfMember().address()) || member.status() == MemberStatus.down()) {
      return;
    }
    getContext().getLog().info("node {} epoch {}: downing {}: {}", mainNode, epoch, address, why);
    cluster.manager().tell(new Down(address));
  }
}
