package io.mainstay.runtime.zookeeper;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The cluster's epoch: a persistent counter bumped by compare-and-set. It remembers the znode version of
 * its own bump so that a main can later prove nobody took a newer epoch since.
 */
final class EpochCounter {

  private final CuratorFramework client;
  private final String path;
  private volatile int ownVersion = -1;

  EpochCounter(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /** Takes max(ZooKeeper's epoch, floor) + 1, retrying when another node bumped it concurrently. */
  long takeNext(long floor) throws Exception {
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = client.getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException absent) {
        if (tryCreate(floor + 1)) {
          return floor + 1;
        }
        continue;
      }
      long next = Math.max(parse(data), floor) + 1;
      try {
        ownVersion = client.setData().withVersion(stat.getVersion()).forPath(path, encode(next)).getVersion();
        return next;
      } catch (KeeperException.BadVersionException raced) {
        // someone else bumped it between our read and write: read again
      }
    }
  }

  private boolean tryCreate(long first) throws Exception {
    try {
      client.create().creatingParentContainersIfNeeded().forPath(path, encode(first));
      ownVersion = 0;
      return true;
    } catch (KeeperException.NodeExistsException raced) {
      return false;
    }
  }

  /** The znode version this node's own bump produced; -1 before it took one. */
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
