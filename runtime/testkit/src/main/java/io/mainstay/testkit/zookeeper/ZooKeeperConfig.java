package io.mainstay.testkit.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that writes a {@code zoo.cfg}: for the kit's servers, the benchmark's and the local
 * cluster's. A server's directory holds {@code zoo.cfg} and {@code data/} (with {@code myid} for an
 * ensemble member). Run as a main class, it writes a standalone server's: {@code DIR HOST PORT}.
 */
public final class ZooKeeperConfig {

  /** The server's tick: sessions expire within a tick of their timeout. */
  public static final int TICK_MS = 100;

  // A short tick lets sessions expire in a fraction of a second (minimum 2 ticks), so a node's short
  // session timeout is honoured instead of being raised to ZooKeeper's default minimum (2 x 2000 ms).
  // Followers get 10 s to sync and 5 s of silence before they are dropped, since a loaded two-core
  // machine can pause a JVM for longer than a few ticks.
  private static final List<String> COMMON_SETTINGS = List.of(
      "tickTime=" + TICK_MS,
      "initLimit=100",
      "syncLimit=50",
      "minSessionTimeout=200",
      "maxSessionTimeout=60000",
      "admin.enableServer=false",
      "4lw.commands.whitelist=*");

  private ZooKeeperConfig() {}

  /** Writes a standalone server's configuration: {@code DIR HOST PORT}. */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ZooKeeperConfig DIR HOST PORT");
      System.exit(64);
    }
    Path file = write(Path.of(args[0]), args[1], Integer.parseInt(args[2]), List.of());
    System.out.println(file);
  }

  /**
   * Writes {@code dir/zoo.cfg} for a server on {@code host:clientPort}; {@code quorumLines} are the
   * {@code server.N=...} lines of an ensemble (empty for a standalone server). Returns the file.
   */
  public static Path write(Path dir, String host, int clientPort, List<String> quorumLines) {
    Path dataDir = dataDir(dir);
    List<String> config = new ArrayList<>(COMMON_SETTINGS);
    config.add("dataDir=" + dataDir.toAbsolutePath());
    config.add("clientPortAddress=" + host);
    config.add("clientPort=" + clientPort);
    config.addAll(quorumLines);
    Path file = file(dir);
    write(file, String.join("\n", config) + "\n");
    return file;
  }

  /** An ensemble member's {@code myid}. */
  static void writeServerId(Path dir, int serverId) {
    write(dataDir(dir).resolve("myid"), serverId + "\n");
  }

  static Path file(Path dir) {
    return dir.resolve("zoo.cfg");
  }

  private static Path dataDir(Path dir) {
    return dir.resolve("data");
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
