package io.mainstay.runtime.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A standalone ZooKeeper server ({@code QuorumPeerMain}) in its own JVM on loopback. The tick is 100 ms so
 * that a session expires within a tick of its timeout, and the session bounds let the server grant the
 * benchmark's timeout as asked.
 */
final class LocalZooKeeper {

  static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
  static final int TICK_MS = 100;

  private final Path dir;
  private final int port;
  private ChildJvm jvm;

  LocalZooKeeper(Path dir, int port, Duration sessionTimeout) {
    this.dir = dir;
    this.port = port;
    long max = Math.max(20L * TICK_MS, 2 * sessionTimeout.toMillis());
    List<String> config =
        List.of(
            "tickTime=" + TICK_MS,
            "initLimit=100",
            "syncLimit=50",
            "dataDir=" + dir.resolve("data").toAbsolutePath(),
            "clientPortAddress=" + LocalCluster.HOST,
            "clientPort=" + port,
            "minSessionTimeout=" + 2 * TICK_MS,
            "maxSessionTimeout=" + max,
            "admin.enableServer=false",
            "4lw.commands.whitelist=srvr,ruok");
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("zoo.cfg"), String.join("\n", config) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Launches the server and waits until it serves clients. */
  void start(Processes processes, List<String> jvmOptions, Duration timeout) {
    jvm =
        processes.start(
            "zookeeper", logFile(), jvmOptions, MAIN_CLASS, List.of(dir.resolve("zoo.cfg").toString()), null);
    Wait.until(
        "ZooKeeper to serve on " + connectString(),
        timeout,
        Duration.ofMillis(100),
        () -> serving() ? Boolean.TRUE : null,
        () -> jvm.isAlive() ? null : "ZooKeeper exited; last lines of " + jvm.logFile() + ":\n" + jvm.tail(30));
  }

  Path logFile() {
    return dir.resolve("zookeeper.log");
  }

  String connectString() {
    return LocalCluster.HOST + ":" + port;
  }

  /** True once the server reports a mode ({@code srvr}): it then serves clients. */
  private boolean serving() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LocalCluster.HOST, port), 1000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return answer.lines().anyMatch(line -> line.startsWith("Mode: "));
    } catch (IOException e) {
      return false;
    }
  }
}
