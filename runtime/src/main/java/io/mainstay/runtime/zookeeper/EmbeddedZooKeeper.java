package io.mainstay.runtime.zookeeper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ZooKeeper server inside the node, for a single node or a first try. ZooKeeper grants sessions
 * between 2 and 20 ticks, so the tick follows the configured session timeout: a 2 s session needs a
 * tick of at most 1 s, and a finer tick makes expiry more punctual.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory connections) {
    this.server = server;
    this.connections = connections;
  }

  public static EmbeddedZooKeeper start(Path dataDir, int port, Duration sessionTimeout)
      throws IOException, InterruptedException {
    int tickMs = tickFor(sessionTimeout);
    Files.createDirectories(dataDir);
    ZooKeeperServer server =
        new ZooKeeperServer(dataDir.resolve("snapshots").toFile(), dataDir.resolve("log").toFile(), tickMs);
    server.setMinSessionTimeout(2 * tickMs);
    server.setMaxSessionTimeout((int) Math.max(20L * tickMs, 2 * sessionTimeout.toMillis()));
    ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress(port), 0);
    connections.startup(server);
    log.info("embedded ZooKeeper serving on port {} (tickTime {} ms, data {})", port, tickMs, dataDir);
    return new EmbeddedZooKeeper(server, connections);
  }

  static int tickFor(Duration sessionTimeout) {
    return (int) Math.max(50, Math.min(2000, sessionTimeout.toMillis() / 10));
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown();
  }
}
