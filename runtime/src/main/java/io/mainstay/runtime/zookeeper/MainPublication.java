package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.MainRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ephemeral {@code main} record of the node that won. Taking the main is one transaction: the epoch by
 * compare-and-set, the record, and the removal of a dead predecessor's leftovers, so that it costs one
 * quorum write whatever it does. Confirming the main re-checks, in one linearizable multi-op through the
 * quorum leader, that both our record and our epoch are untouched: a deposed main (its session expired, or
 * a newer epoch taken) fails the check.
 */
final class MainPublication {

  private static final Logger log = LoggerFactory.getLogger(MainPublication.class);
  /** Attempts of the takeover's transaction while only a dead main's leftovers change under it. */
  private static final int TAKE_ATTEMPTS = 3;

  private final CuratorFramework client;
  private final ZkPaths paths;
  private final EpochCounter epochs;
  private final DeadMainLeftovers leftovers;
  private volatile int recordVersion = -1;

  MainPublication(CuratorFramework client, ZkPaths paths, EpochCounter epochs) {
    this.client = client;
    this.paths = paths;
    this.epochs = epochs;
    this.leftovers = new DeadMainLeftovers(client, paths);
  }

  /**
   * The epoch by compare-and-set and our record, with whatever {@code dead} still left, in one transaction.
   * A change of the epoch counter is never retried: only a holder of the store lock takes epochs, so it
   * means something is wrong.
   */
  void take(MainRecord record, Optional<DeadMain> dead) throws Exception {
    try {
      transact(record.node(), dead, () -> List.of(
          epochs.takeOp(record.epoch()),
          client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(paths.main(), ZkJson.write(record))),
          results -> {
            epochs.taken(results.get(results.size() - 2));
            recordVersion = 0; // a freshly created znode is at version 0
          });
    } catch (KeeperException changed) {
      if (!epochs.unchangedSinceRead()) {
        throw new IllegalStateException(
            "epoch " + record.epoch() + " could not be taken: another node changed the epoch counter since it was read",
            changed);
      }
      throw changed;
    }
  }

  /** Only the removal of what {@code dead} left, for a lock holder that cannot take over yet. */
  void removeLeftovers(String self, DeadMain dead) throws Exception {
    transact(self, Optional.of(dead), List::of, results -> {});
  }

  /**
   * Runs the dead main's removals, read now, followed by {@code then}. Its session may end between the read
   * and the transaction, removing some of them: the transaction then fails as a whole and is tried again on
   * a fresh read (a few times: a failure for another reason fails every attempt).
   */
  private void transact(
      String self, Optional<DeadMain> dead, OpsSupplier then, Consumer<List<CuratorTransactionResult>> committed)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      DeadMainLeftovers.Removals removals =
          dead.isPresent() ? leftovers.read(dead.get()) : new DeadMainLeftovers.Removals(List.of(), List.of());
      List<CuratorOp> ops = new ArrayList<>(removals.ops());
      ops.addAll(then.get());
      if (ops.isEmpty()) {
        return;
      }
      try {
        committed.accept(client.transaction().forOperations(ops));
        dead.filter(d -> !removals.what().isEmpty()).ifPresent(d -> log.info(
            "node {}: removed the {} of {} (main at epoch {}, whose process has ended)",
            self, String.join(", ", removals.what()), d.record().node(), d.record().epoch()));
        return;
      } catch (KeeperException changed) {
        if (dead.isEmpty() || attempt == TAKE_ATTEMPTS) {
          throw changed;
        }
        log.info("node {}: the leftovers of {} changed under the transaction ({}); reading them again",
            self, dead.get().record().node(), changed.toString());
      }
    }
  }

  /** The transaction's own operations after the removals; may throw as Curator's builders do. */
  @FunctionalInterface
  private interface OpsSupplier {
    List<CuratorOp> get() throws Exception;
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
   * Sends the takeover's transaction (a version-checked epoch and a main record) once in a form ZooKeeper
   * refuses whole: its first operation expects a version the epoch counter never reaches. A standby's first
   * transaction otherwise builds its JSON serializer, Curator's transaction builders and the multi-op's
   * request and response code, interpreted, in the middle of its takeover. Changes nothing.
   */
  void rehearse(MainRecord record) throws Exception {
    try {
      client.transaction().forOperations(
          client.transactionOp().check().withVersion(Integer.MAX_VALUE).forPath(paths.epoch()),
          client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(paths.main(), ZkJson.write(record)));
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException refused) {
      return;
    }
    throw new IllegalStateException("ZooKeeper committed the rehearsal of the takeover's transaction");
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
