package io.mainstay.runtime.cluster;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
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
 */
public final class PekkoClusterJoin {

  private static final Logger log = LoggerFactory.getLogger(PekkoClusterJoin.class);

  private final Cluster cluster;
  private final String nodeName;

  public PekkoClusterJoin(ActorSystem<?> system, String nodeName) {
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
    while (System.nanoTime() < deadline) {
      MemberStatus status = cluster.selfMember().status();
      if (status == MemberStatus.up() || status == MemberStatus.weaklyUp()) {
        log.info("node {}: cluster member {} is {}", nodeName, cluster.selfMember().address(), status);
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}
