package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.NodeNameInUseException;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.runtime.process.LocalProcesses;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's ephemeral record under {@code nodes/}. A node restarted right after a crash may still find
 * the record of its previous life, whose session has not expired yet. When that record names a process of
 * this machine that has ended, the record is removed at once (restarting costs seconds, not a session);
 * otherwise the node waits for the session to lapse before deciding that another live node really has its
 * name.
 */
final class NodeRegistration {

  private static final Logger log = LoggerFactory.getLogger(NodeRegistration.class);

  private final CuratorFramework client;
  private final ZkPaths paths;
  private final String path;
  private final NodeRecord record;
  private final Duration staleGrace;

  NodeRegistration(CuratorFramework client, ZkPaths paths, NodeRecord record, Duration sessionTimeout) {
    this.client = client;
    this.paths = paths;
    this.path = paths.node(record.node());
    this.record = record;
    // a dead session lingers for at most its timeout; give the server a tick or two beyond that
    this.staleGrace = sessionTimeout.multipliedBy(3).dividedBy(2).plusSeconds(1);
  }

  void register() throws Exception {
    long deadline = System.nanoTime() + staleGrace.toNanos();
    boolean logged = false;
    while (true) {
      try {
        client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, ZkJson.write(record));
        return;
      } catch (KeeperException.NodeExistsException exists) {
        Stat stat = new Stat();
        NodeRecord previous;
        try {
          previous = ZkJson.read(client.getData().storingStatIn(stat).forPath(path), NodeRecord.class);
        } catch (KeeperException.NoNodeException gone) {
          continue;
        }
        if (stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId()) {
          return;
        }
        if (LocalProcesses.ended(previous.process())) {
          removeLeftover(previous, stat);
          continue;
        }
        if (System.nanoTime() > deadline) {
          throw new NodeNameInUseException(record.node(), path);
        }
        if (!logged) {
          log.info("node {}: {} exists; waiting up to {} s for a previous session to expire", record.node(), path, staleGrace.toSeconds());
          logged = true;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Only the version read: a record written meanwhile by a live process is not this node's to remove. */
  private void removeLeftover(NodeRecord previous, Stat stat) throws Exception {
    try {
      client.delete().withVersion(stat.getVersion()).forPath(path);
      log.info("node {}: removed {} left by its previous process (pid {}, ended) instead of waiting for its session to expire",
          record.node(), path, previous.process().pid());
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException changed) {
      log.debug("node {}: {} changed while removing a leftover: {}", record.node(), path, changed.toString());
    }
  }

  void deregister() {
    try {
      client.delete().forPath(path);
    } catch (Exception e) {
      log.debug("node {}: removing {} failed (the session end removes it anyway): {}", record.node(), path, e.toString());
    }
  }
}
