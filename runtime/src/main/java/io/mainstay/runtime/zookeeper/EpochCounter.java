package io.mainstay.runtime.zookeeper;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster's epoch: a persistent counter taken by compare-and-set inside the takeover's transaction. It
 * remembers the znode version it read (what the compare is against) and the version its own take produced,
 * so that a main can later prove nobody took a newer epoch since.
 */
final class EpochCounter {

  /** The version read when the counter did not exist yet: the take creates it. */
  private static final int ABSENT = -1;

  private final CuratorFramework client;
  private final String path;
  private volatile int readVersion = ABSENT;
  private volatile int ownVersion = -1;

  EpochCounter(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /** max(ZooKeeper's epoch, floor) + 1; the version read is what {@link #takeOp} compares against. */
  long next(long floor) throws Exception {
    Stat stat = new Stat();
    try {
      long current = parse(client.getData().storingStatIn(stat).forPath(path));
      readVersion = stat.getVersion();
      return Math.max(current, floor) + 1;
    } catch (KeeperException.NoNodeException absent) {
      readVersion = ABSENT;
      return floor + 1;
    }
  }

  /** The transaction's operation that takes {@code epoch}: fails it if the counter changed since {@link #next}. */
  CuratorOp takeOp(long epoch) throws Exception {
    return readVersion == ABSENT
        ? client.transactionOp().create().forPath(path, encode(epoch))
        : client.transactionOp().setData().withVersion(readVersion).forPath(path, encode(epoch));
  }

  /** After the transaction committed: remembers the version our take produced. */
  void taken(CuratorTransactionResult result) {
    ownVersion = readVersion == ABSENT ? 0 : result.getResultStat().getVersion();
  }

  /** Whether the counter is still at the version {@link #next} read: if not, another node took an epoch. */
  boolean unchangedSinceRead() throws Exception {
    Stat stat = client.checkExists().forPath(path);
    return readVersion == ABSENT ? stat == null : stat != null && stat.getVersion() == readVersion;
  }

  /** The znode version this node's own take produced; -1 before it took one. */
  int ownVersion() {
    return ownVersion;
  }

  private static long parse(byte[] data) {
    return Long.parseLong(new String(data, StandardCharsets.US_ASCII).trim());
  }

  private static byte[] encode(long epoch) {
    return Long.toString(epoch).getBytes(StandardCharsets.US_ASCII);
  }
}
