package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterCoordination} on ZooKeeper through Curator. The LeaderLatch uses Curator's
 * session-based error policy: a SUSPENDED connection does not revoke leadership (the node fences itself
 * instead), only a LOST session does, so a ZooKeeper blip within the session causes no failover.
 */
public final class CuratorCoordination implements ClusterCoordination {

  /** Joins the Pekko Cluster through the given members, or alone when there are none. */
  public interface ClusterJoin {
    boolean join(List<String> seedAddresses, Duration timeout) throws InterruptedException;
  }

  private static final Logger log = LoggerFactory.getLogger(CuratorCoordination.class);

  private final NodeRecord self;
  private final Duration sessionTimeout;
  private final CuratorFramework client;
  private final ZkPaths paths;
  private final EpochCounter epochs;
  private final MainPublication publication;
  private final NodeRegistration registration;
  private final ExecutorService zkCalls;
  private final ClusterJoin clusterJoin;
  private volatile LeaderLatch latch;
  private volatile ClusterWatch watch;
  private volatile ElectionLine line;
  /** Touched only on Curator's connection-state thread. */
  private boolean lostSinceConnected;

  public CuratorCoordination(
      String connectString, String root, NodeRecord self, Duration sessionTimeout, ClusterJoin clusterJoin) {
    this.self = self;
    this.clusterJoin = clusterJoin;
    this.sessionTimeout = sessionTimeout;
    this.client = CuratorClients.create(connectString, sessionTimeout, CuratorSettings.defaults());
    this.paths = new ZkPaths(root);
    this.epochs = new EpochCounter(client, paths.epoch());
    this.publication = new MainPublication(client, paths, epochs);
    this.registration = new NodeRegistration(client, paths, self, sessionTimeout);
    this.zkCalls =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "mainstay-zookeeper-call");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void start(boolean candidate, ActorRef<CoordinationEvent> listener) throws Exception {
    client.getConnectionStateListenable().addListener((c, state) -> onConnectionState(state, listener));
    client.start();
    if (!client.blockUntilConnected((int) Math.max(30_000, 3 * sessionTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("could not connect to ZooKeeper at " + client.getZookeeperClient().getCurrentConnectionString());
    }
    InterProcessMutex joinLock = new InterProcessMutex(client, paths.joinLock());
    joinLock.acquire();
    try {
      registration.register();
      watch = new ClusterWatch(client, paths, listener::tell);
      watch.start();
      if (candidate) {
        startCandidacy(listener);
      }
      joinPekkoCluster();
    } finally {
      joinLock.release();
    }
    if (candidate) {
      rehearseTakeover();
    }
  }

  private void rehearseTakeover() {
    try {
      publication.rehearse(new MainRecord(self.node(), self.process().machine(), self.webUrl(), self.pekkoAddress(), 0, Instant.now()));
    } catch (Exception e) {
      log.warn("node {}: could not rehearse the takeover's transaction (a first takeover runs it cold): {}", self.node(), e.toString());
    }
  }

  /**
   * The election is joined before the Pekko Cluster, since joining may wait on the election: a node
   * restarted at the fabric address of its previous life is admitted only once that member is gone, and
   * when that member is the dead main, the candidate that proves it dead (its succession) removes it.
   * Leadership granted meanwhile waits in the supervisor until the join is done.
   */
  private void startCandidacy(ActorRef<CoordinationEvent> listener) throws Exception {
    latch = new LeaderLatch(client, paths.election(), self.node(), LeaderLatch.CloseMode.SILENT);
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            listener.tell(new CoordinationEvent.LeadershipGranted());
          }

          @Override
          public void notLeader() {
            listener.tell(new CoordinationEvent.LeadershipRevoked());
          }
        });
    latch.start();
    line = new ElectionLine(client, paths.election(), () -> latch.getOurPath(), listener::tell);
    line.start();
  }

  /**
   * Under the join lock, so nodes started together never both see an empty list and form two clusters. A
   * record may belong to a node that just died and whose session has not expired yet; if joining through
   * the listed members fails, the list is read again, by then without the dead.
   */
  private void joinPekkoCluster() throws Exception {
    Duration attempt = sessionTimeout.multipliedBy(2).plusSeconds(5);
    while (!clusterJoin.join(otherMembers(), attempt)) {
      log.warn("node {}: not joined within {} s; reading the members again", self.node(), attempt.toSeconds());
    }
  }

  private List<String> otherMembers() throws Exception {
    return client.getChildren().forPath(paths.nodes()).stream()
        .filter(name -> !name.equals(self.node()))
        .map(this::readNode)
        .flatMap(Optional::stream)
        .map(NodeRecord::pekkoAddress)
        .toList();
  }

  private Optional<NodeRecord> readNode(String name) {
    try {
      return Optional.of(ZkJson.read(client.getData().forPath(paths.node(name)), NodeRecord.class));
    } catch (Exception vanished) {
      return Optional.empty();
    }
  }

  private void onConnectionState(ConnectionState state, ActorRef<CoordinationEvent> listener) {
    switch (state) {
      case SUSPENDED -> listener.tell(new CoordinationEvent.ConnectionSuspended());
      case LOST -> {
        lostSinceConnected = true;
        listener.tell(new CoordinationEvent.ConnectionLost());
      }
      case RECONNECTED -> {
        boolean sameSession = !lostSinceConnected;
        lostSinceConnected = false;
        if (!sameSession) {
          // our ephemeral record went with the old session: put it back for the others to see
          zkCalls.execute(this::reRegister);
        }
        listener.tell(new CoordinationEvent.ConnectionReconnected(sameSession));
      }
      default -> {}
    }
  }

  private void reRegister() {
    try {
      registration.register();
      log.info("node {}: registered again with ZooKeeper after a new session", self.node());
    } catch (Exception e) {
      log.error("node {}: could not register again with ZooKeeper: {}", self.node(), e.toString());
    }
  }

  @Override
  public CompletionStage<Long> nextEpoch(long storeEpoch) {
    return call(() -> epochs.next(storeEpoch));
  }

  @Override
  public CompletionStage<Void> takeMain(MainRecord record, Optional<DeadMain> dead) {
    return call(() -> {
      publication.take(record, dead);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> removeLeftovers(DeadMain dead) {
    CompletionStage<Void> removal = call(() -> {
      publication.removeLeftovers(self.node(), dead);
      return null;
    });
    return removal.whenComplete((ok, failure) -> {
      if (failure != null) {
        log.warn("node {}: could not remove the leftovers of main {} ({}); its session timeout removes them",
            self.node(), dead.record().node(), failure.toString());
      }
    });
  }

  @Override
  public CompletionStage<Void> confirmMain(long epoch) {
    return call(() -> {
      publication.confirm(epoch);
      return null;
    });
  }

  @Override
  public CompletionStage<Boolean> successorInLine() {
    return call(() -> latch != null && latch.getParticipants().stream().anyMatch(p -> !p.getId().equals(self.node())));
  }

  @Override
  public void withdraw() {
    try {
      publication.retract();
    } catch (Exception e) {
      log.warn("node {}: removing the main record failed: {}", self.node(), e.toString());
    }
    closeQuietly(line);
    closeQuietly(latch);
    closeQuietly(watch);
    registration.deregister();
    client.close();
    zkCalls.shutdownNow();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing {} failed: {}", closeable, e.toString());
    }
  }

  private interface ZkCall<T> {
    T run() throws Exception;
  }

  private <T> CompletionStage<T> call(ZkCall<T> zkCall) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return zkCall.run();
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        zkCalls);
  }
}
