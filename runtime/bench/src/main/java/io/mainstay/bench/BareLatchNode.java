package io.mainstay.bench;

import io.mainstay.runtime.zookeeper.CuratorClients;
import io.mainstay.runtime.zookeeper.CuratorSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;

/**
 * The floor of the failover benchmark: a bare Curator LeaderLatch and nothing else, on a client built
 * by the node's own factory ({@link CuratorClients}) with the node's settings, so the baseline stays fair.
 * Usage: {@code BareLatchNode ZK_CONNECT LATCH_PATH ID SESSION_MS [BUSY_MS]}.
 *
 * <p>With {@code BUSY_MS} > 0 the leader reads its latch node every {@code BUSY_MS} ms, so that its session
 * was used just before it dies, as a main's is when it serves writes: ZooKeeper expires a session a
 * session timeout after it last heard from the client, and an idle client is only heard from every third
 * of the timeout (its pings).
 *
 * <p>Prints {@code READY} once its latch node exists, {@code LEADER} when it becomes the leader and
 * {@code NOT_LEADER} if it stops being it; the benchmark reads these lines as they come. It exits when its
 * standard input closes, so it never outlives the benchmark that started it.
 */
public final class BareLatchNode {

  private BareLatchNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4 && args.length != 5) {
      System.err.println("usage: BareLatchNode ZK_CONNECT LATCH_PATH ID SESSION_MS [BUSY_MS]");
      System.exit(64);
    }
    int sessionMs = Integer.parseInt(args[3]);
    long busyMs = args.length == 5 ? Long.parseLong(args[4]) : 0;
    CuratorFramework client =
        CuratorClients.create(args[0], Duration.ofMillis(sessionMs), CuratorSettings.defaults());
    client.start();
    if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
      say("NO_ZOOKEEPER");
      System.exit(1);
    }
    LeaderLatch latch = new LeaderLatch(client, args[1], args[2], LeaderLatch.CloseMode.SILENT);
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            say("LEADER");
            if (busyMs > 0) {
              keepBusy(client, args[1], busyMs);
            }
          }

          @Override
          public void notLeader() {
            say("NOT_LEADER");
          }
        });
    latch.start();
    while (latch.getOurPath() == null) {
      Thread.sleep(5);
    }
    say("READY " + latch.getOurPath());
    awaitEndOfInput();
    latch.close();
    client.close();
    System.exit(0);
  }

  /** Reads {@code path} every {@code everyMs} ms until the process ends. */
  private static void keepBusy(CuratorFramework client, String path, long everyMs) {
    Thread busy =
        new Thread(
            () -> {
              while (true) {
                try {
                  client.checkExists().forPath(path);
                  Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // not connected at the moment: try again
                }
              }
            },
            "busy-leader");
    busy.setDaemon(true);
    busy.start();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void awaitEndOfInput() {
    try {
      while (System.in.read() != -1) {
        // nothing is ever sent; end of input means the benchmark is gone
      }
    } catch (IOException e) {
      // same: the benchmark is gone
    }
  }
}
