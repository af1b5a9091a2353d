package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.MainRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * What a main proven gone left in ZooKeeper, read now, as the operations that remove exactly that: its
 * {@code main} record if it still names that main at that epoch, its election entry, and its {@code nodes/}
 * record if it still belongs to the session that held the entry (a restarted process of that node
 * registers under a new session, and its record stays). Each removal is version-checked, so the takeover's
 * transaction fails, changing nothing, if any of them changed after this read.
 */
final class DeadMainLeftovers {

  /** The removals, and what they remove, for the log line. */
  record Removals(List<CuratorOp> ops, List<String> what) {}

  private final CuratorFramework client;
  private final ZkPaths paths;

  DeadMainLeftovers(CuratorFramework client, ZkPaths paths) {
    this.client = client;
    this.paths = paths;
  }

  Removals read(DeadMain dead) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    List<String> what = new ArrayList<>();
    Stat record = new Stat();
    try {
      MainRecord current = ZkJson.read(client.getData().storingStatIn(record).forPath(paths.main()), MainRecord.class);
      if (current.node().equals(dead.record().node()) && current.epoch() == dead.record().epoch()) {
        ops.add(client.transactionOp().delete().withVersion(record.getVersion()).forPath(paths.main()));
        what.add("main record");
      }
    } catch (KeeperException.NoNodeException gone) {
      // retracted by a main stopping gracefully, or its session ended
    }
    Stat entry = client.checkExists().forPath(dead.entry().path());
    if (entry != null) {
      ops.add(client.transactionOp().delete().withVersion(entry.getVersion()).forPath(dead.entry().path()));
      what.add("election entry " + dead.entry().path());
      String nodePath = paths.node(dead.record().node());
      Stat node = client.checkExists().forPath(nodePath);
      if (node != null && node.getEphemeralOwner() == entry.getEphemeralOwner()) {
        ops.add(client.transactionOp().delete().withVersion(node.getVersion()).forPath(nodePath));
        what.add("record " + nodePath);
      }
    }
    return new Removals(ops, what);
  }
}
