package io.mainstay.actors.membership;

import io.mainstay.actors.coordination.NodeRecord;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * ZooKeeper decides liveness, on every node: a Pekko member is downed as soon as ZooKeeper says its node is
 * gone. No Pekko downing provider runs: a node's own view of the fabric may be stale or partial, while
 * ZooKeeper's list is the one every node agrees on, so every node reaching the same decision from it is
 * safe, and the cluster converges again even while there is no main (a node restarted at its old address
 * is admitted only once its previous member is gone). A member is downed when its {@code nodes/} record
 * vanished after it had been seen, or when Pekko finds it unreachable and ZooKeeper has no record of it.
 *
 * <p>A record also vanishes when a live node's session expires (ZooKeeper itself was away longer than
 * the session, or the node could not reach it): that node reconnects with a new session and registers
 * again a moment later. So a member whose record vanished is downed at once only if Pekko finds it
 * unreachable too; a member still reachable gets a grace ({@link Downing#byZooKeeper}) to register again,
 * and is downed when that passes, or as soon as it turns unreachable. A member that is merely new,
 * reachable and not yet in this node's view is left alone. The main also downs a member at once whose
 * process it proved ended by taking its store lock ({@link Departed}).
 */
public final class ZooKeeperDowning extends AbstractBehavior<ZooKeeperDowning.Command> {

  public sealed interface Command {}

  public record LiveNodes(LiveView view) implements Command {}

  /** A member whose process is proven gone while its record lives on: down it now. */
  public record Departed(String address, String node) implements Command {}

  private record Unreachable(Member member) implements Command {}

  private record GraceOver(String address) implements Command {}

  private final String node;
  private long epoch;
  private final Cluster cluster;
  private final TimerScheduler<Command> timers;
  /**
   * How long a reachable member may stay without a ZooKeeper record: enough for a node whose session
   * expired to connect again and re-register (it waits for the old record to lapse, then writes anew).
   */
  private final Duration reregisterGrace;
  private final Set<String> seen = new HashSet<>();
  private Set<String> live = Set.of();

  static Behavior<Command> create(String node, Supplier<LiveView> current, Duration reregisterGrace) {
    return Behaviors.setup(
        ctx ->
            Behaviors.<Command>withTimers(
                timers -> {
                  ZooKeeperDowning downing = new ZooKeeperDowning(ctx, timers, node, reregisterGrace);
                  downing.onLiveNodes(new LiveNodes(current.get()));
                  return downing;
                }));
  }

  private ZooKeeperDowning(
      ActorContext<Command> context, TimerScheduler<Command> timers, String node, Duration reregisterGrace) {
    super(context);
    context.setLoggerName(ZooKeeperDowning.class);
    this.timers = timers;
    this.reregisterGrace = reregisterGrace;
    this.node = node;
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
        .onMessage(Departed.class, this::onDeparted)
        .onMessage(Unreachable.class, this::onUnreachable)
        .onMessage(GraceOver.class, this::onGraceOver)
        .build();
  }

  private Behavior<Command> onLiveNodes(LiveNodes nodes) {
    epoch = nodes.view().epoch();
    live = nodes.view().nodes().stream().map(NodeRecord::pekkoAddress).collect(Collectors.toSet());
    seen.addAll(nodes.view().seen());
    seen.addAll(live);
    Set<Member> unreachable = cluster.state().getUnreachable();
    for (Member member : cluster.state().getMembers()) {
      String address = member.address().toString();
      if (live.contains(address)) {
        timers.cancel(address);
      } else if (seen.contains(address)) {
        if (unreachable.contains(member)) {
          down(member, "its ZooKeeper record vanished and it is unreachable");
        } else if (!timers.isTimerActive(address) && member.status() != MemberStatus.down()) {
          getContext().getLog().info(
              "node {} epoch {}: {} has no ZooKeeper record but is reachable; downing it in {} ms unless it registers again",
              node, epoch, address, reregisterGrace.toMillis());
          timers.startSingleTimer(address, new GraceOver(address), reregisterGrace);
        }
      }
    }
    return this;
  }

  /**
   * Only the member at that address now: a restarted node that reuses the address joins as a new incarnation
   * later, and the old one must be gone for it to join at all.
   */
  private Behavior<Command> onDeparted(Departed departed) {
    for (Member member : cluster.state().getMembers()) {
      if (member.address().toString().equals(departed.address())) {
        down(member, "the process of " + departed.node() + " has ended (its successor holds the store lock it held)");
      }
    }
    return this;
  }

  private Behavior<Command> onUnreachable(Unreachable unreachable) {
    String address = unreachable.member().address().toString();
    if (!live.contains(address)) {
      timers.cancel(address);
      down(unreachable.member(), seen.contains(address)
          ? "its ZooKeeper record vanished and it is unreachable"
          : "unreachable and not registered in ZooKeeper");
    }
    return this;
  }

  private Behavior<Command> onGraceOver(GraceOver over) {
    if (live.contains(over.address())) {
      return this;
    }
    for (Member member : cluster.state().getMembers()) {
      if (member.address().toString().equals(over.address())) {
        down(member, "its ZooKeeper record vanished and it did not register again within "
            + reregisterGrace.toMillis() + " ms");
      }
    }
    return this;
  }

  private void down(Member member, String why) {
    Address address = member.address();
    if (address.equals(cluster.selfMember().address()) || member.status() == MemberStatus.down()) {
      return;
    }
    getContext().getLog().info("node {} epoch {}: downing {}: {}", node, epoch, address, why);
    cluster.manager().tell(new Down(address));
  }
}
