package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.MainRecord;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ephemeral {@code main} record of the node that won. Confirming the main re-checks, in one
 * linearizable multi-op through the quorum leader, that both our record and our epoch are untouched:
 * a deposed main (its session expired, or a newer epoch taken) fails the check.
 */
final class MainPublication {

  private static final Logger log = LoggerFactory.getLogger(MainPublication.class);

  private final CuratorFramework client;
  private final ZkPaths paths;
  private final EpochCounter epochs;
  private volatile int recordVersion = -1;

  MainPublication(CuratorFramework client, ZkPaths paths, EpochCounter epochs) {
    this.client = client;
    this.paths = paths;
    this.epochs = epochs;
  }

  void publish(MainRecord record) throws Exception {
    client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
        .forPath(paths.main(), ZkJson.write(record));
    recordVersion = 0; // a freshly created znode is at version 0
  }

  void confirm(long epoch) throws Exception {
    if (recordVersion < 0 || epochs.ownVersion() < 0) {
      throw new IllegalStateException("epoch " + epoch + " was never published by this node");
    }
    client.transaction().forOperations(
        client.transactionOp().check().withVersion(epochs.ownVersion()).forPath(paths.epoch()),
        client.transactionOp().check().withVersion(recordVersion).forPath(paths.main()));
  }

  /**
   * Removes the record of a main proven dead, if it still is that main's at that epoch: its session, which
   * would remove it, may live on for a whole timeout.
   */
  void retractDead(MainRecord dead) throws Exception {
    Stat stat = new Stat();
    try {
      MainRecord current = ZkJson.read(client.getData().storingStatIn(stat).forPath(paths.main()), MainRecord.class);
      if (current.node().equals(dead.node()) && current.epoch() == dead.epoch()) {
        client.delete().withVersion(stat.getVersion()).forPath(paths.main());
        log.info("removed the main record of {} at epoch {}", dead.node(), dead.epoch());
      }
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
      // its session ended meanwhile, or the record changed: nothing of the dead main's is left to remove
    }
  }

  /** Removes our record, if we published one, so standbys see the main gone before the election moves. */
  void retract() throws Exception {
    if (recordVersion >= 0) {
      Stat stat = client.checkExists().forPath(paths.main());
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      if (stat != null && stat.getEphemeralOwner() == session) {
        client.delete().withVersion(stat.getVersion()).forPath(paths.main());
      }
      recordVersion = -1;
    }
  }
}
