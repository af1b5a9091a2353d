package io.mainstay.runtime.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.InternalClusterAction;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins this node to the one Pekko Cluster: through the members ZooKeeper lists, or alone when it lists
 * none. The caller holds a ZooKeeper lock around this, so two nodes started together never both see an
 * empty list and form two clusters.
 *
 * <p>A node welcomed by a member that dies before its next gossip round is {@code Joining} in its own view
 * only: the others never heard of it and ignore its gossip, and Pekko never asks them again. A main killed
 * just after it admitted a restarted standby does exactly that. So while this node stays {@code Joining},
 * it repeats its join request to every other member it knows of ({@link #REJOIN_AFTER} apart): a member
 * that already has it answers as to a lost welcome, one that never heard of it admits it and gossips to it.
 * The request is Pekko's own join message (internal API, the same the joining process sends).
 */
public final class PekkoClusterJoin {

  private static final Logger log = LoggerFactory.getLogger(PekkoClusterJoin.class);
  /** A few gossip rounds (1 s each): longer than a welcome takes to spread when its sender lives. */
  private static final Duration REJOIN_AFTER = Duration.ofSeconds(3);
  private static final String CLUSTER_DAEMON = "/system/cluster/core/daemon";

  private final org.apache.pekko.actor.ActorSystem classic;
  private final Cluster cluster;
  private final String nodeName;

  public PekkoClusterJoin(ActorSystem<?> system, String nodeName) {
    this.classic = Adapter.toClassic(system);
    this.cluster = Cluster.get(system);
    this.nodeName = nodeName;
  }

  /** True once this node is a member that is up; false if that did not happen within {@code timeout}. */
  public boolean join(List<String> seedAddresses, Duration timeout) throws InterruptedException {
    if (seedAddresses.isEmpty()) {
      log.info("node {}: no other node registered; forming the cluster at {}", nodeName, cluster.selfMember().address());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      log.info("node {}: joining the cluster through {}", nodeName, seedAddresses);
      List<Address> seeds = seedAddresses.stream().map(AddressFromURIString::parse).toList();
      cluster.manager().tell(new JoinSeedNodes(seeds));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long joiningSince = 0;
    while (System.nanoTime() < deadline) {
      MemberStatus status = cluster.selfMember().status();
      if (status == MemberStatus.up() || status == MemberStatus.weaklyUp()) {
        log.info("node {}: cluster member {} is {}", nodeName, cluster.selfMember().address(), status);
        return true;
      }
      if (status != MemberStatus.joining()) {
        joiningSince = 0;
      } else if (joiningSince == 0) {
        joiningSince = System.nanoTime();
      } else if (System.nanoTime() - joiningSince >= REJOIN_AFTER.toNanos()) {
        askAgain();
        joiningSince = System.nanoTime();
      }
      Thread.sleep(50);
    }
    return false;
  }

  private void askAgain() {
    Member self = cluster.selfMember();
    List<Address> others = new ArrayList<>();
    cluster.state().getMembers().forEach(member -> {
      if (!member.uniqueAddress().equals(self.uniqueAddress())) {
        others.add(member.address());
      }
    });
    log.info("node {}: still joining {} s after the welcome; asking {} again", nodeName, REJOIN_AFTER.toSeconds(), others);
    InternalClusterAction.Join request = new InternalClusterAction.Join(self.uniqueAddress(), self.roles(), self.appVersion());
    for (Address other : others) {
      classic.actorSelection(other + CLUSTER_DAEMON).tell(request, ActorRef.noSender());
    }
  }
}
