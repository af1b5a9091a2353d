package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.MainRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
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

  /** A background read left unanswered this long failed: the connection is gone. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final CuratorFramework client;
  private final ZkPaths paths;

  DeadMainLeftovers(CuratorFramework client, ZkPaths paths) {
    this.client = client;
    this.paths = paths;
  }

  /** The three reads go out together (one round trip to ZooKeeper instead of three, on a takeover's path). */
  Removals read(DeadMain dead) throws Exception {
    String nodePath = paths.node(dead.record().node());
    CompletableFuture<CuratorEvent> mainRead =
        background(callback -> client.getData().inBackground(callback).forPath(paths.main()));
    CompletableFuture<CuratorEvent> entryRead =
        background(callback -> client.checkExists().inBackground(callback).forPath(dead.entry().path()));
    CompletableFuture<CuratorEvent> nodeRead =
        background(callback -> client.checkExists().inBackground(callback).forPath(nodePath));
    List<CuratorOp> ops = new ArrayList<>();
    List<String> what = new ArrayList<>();
    // absent: retracted by a main stopping gracefully, or its session ended
    Stat record = found(mainRead);
    if (record != null) {
      MainRecord current = ZkJson.read(mainRead.get().getData(), MainRecord.class);
      if (current.node().equals(dead.record().node()) && current.epoch() == dead.record().epoch()) {
        ops.add(client.transactionOp().delete().withVersion(record.getVersion()).forPath(paths.main()));
        what.add("main record");
      }
    }
    Stat entry = found(entryRead);
    if (entry != null) {
      ops.add(client.transactionOp().delete().withVersion(entry.getVersion()).forPath(dead.entry().path()));
      what.add("election entry " + dead.entry().path());
      Stat node = found(nodeRead);
      if (node != null && node.getEphemeralOwner() == entry.getEphemeralOwner()) {
        ops.add(client.transactionOp().delete().withVersion(node.getVersion()).forPath(nodePath));
        what.add("record " + nodePath);
      }
    }
    return new Removals(ops, what);
  }

  @FunctionalInterface
  private interface BackgroundRead {
    void start(BackgroundCallback callback) throws Exception;
  }

  private static CompletableFuture<CuratorEvent> background(BackgroundRead read) throws Exception {
    CompletableFuture<CuratorEvent> result = new CompletableFuture<>();
    read.start((client, event) -> result.complete(event));
    return result;
  }

  /** The znode's stat, null when it does not exist; any other failure is thrown as ZooKeeper's. */
  private static Stat found(CompletableFuture<CuratorEvent> read) throws Exception {
    CuratorEvent event = read.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
    if (code == KeeperException.Code.NONODE) {
      return null;
    }
    if (code != KeeperException.Code.OK) {
      throw KeeperException.create(code, event.getPath());
    }
    return event.getStat();
  }
}
