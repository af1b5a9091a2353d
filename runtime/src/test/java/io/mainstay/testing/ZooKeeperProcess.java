package io.mainstay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real ZooKeeper server in its own JVM, so tests can kill -9, freeze and restart it like
 * production would see it. Its directory holds {@code zoo.cfg}, {@code data/} and
 * {@code zookeeper.log}; a restart reuses all three and the client port.
 */
public final class ZooKeeperProcess {

  static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
  /** The loopback address every test process binds and publishes. */
  public static final String HOST = "127.0.0.1";

  // A short tick lets sessions expire in a fraction of a second (minimum 2 ticks) when a test
  // asks for it. Followers get 10 s to sync and 5 s of silence before they are dropped, since a
  // loaded two-core machine can pause a JVM for longer than a few ticks.
  private static final List<String> COMMON_SETTINGS = List.of(
      "tickTime=100",
      "initLimit=100",
      "syncLimit=50",
      "minSessionTimeout=200",
      "maxSessionTimeout=60000",
      "admin.enableServer=false",
      "4lw.commands.whitelist=*");
  private static final int SOCKET_TIMEOUT_MILLIS = 2000;

  private final String name;
  private final Path dir;
  private final int clientPort;
  private JavaProcess process;

  private ZooKeeperProcess(String name, Path dir, int clientPort, List<String> quorumSettings) {
    this.name = name;
    this.dir = dir;
    this.clientPort = clientPort;
    List<String> config = new ArrayList<>(COMMON_SETTINGS);
    config.add("dataDir=" + dataDir());
    config.add("clientPortAddress=" + HOST);
    config.add("clientPort=" + clientPort);
    config.addAll(quorumSettings);
    write(dir.resolve("zoo.cfg"), String.join("\n", config) + "\n");
  }

  /** A single server on a free port in {@code dir}; call {@link #start()}. */
  public static ZooKeeperProcess standalone(Path dir) {
    return new ZooKeeperProcess("zookeeper", dir, FreePorts.next(), List.of());
  }

  /** Server {@code serverId} of an ensemble described by its {@code server.N=...} lines. */
  static ZooKeeperProcess ensembleMember(Path dir, int serverId, int clientPort, List<String> serverLines) {
    ZooKeeperProcess member = new ZooKeeperProcess("zookeeper-" + serverId, dir, clientPort, serverLines);
    write(member.dataDir().resolve("myid"), serverId + "\n");
    return member;
  }

  /** Launches the server and waits until it serves clients. */
  public ZooKeeperProcess start() {
    launch();
    awaitServing(Await.GENEROUS);
    return this;
  }

  /** Stops the server if it runs (SIGTERM) and starts it again on the same port and data. */
  public ZooKeeperProcess restart() {
    if (isRunning()) {
      stop();
    }
    return start();
  }

  /** SIGTERM, and waits until the process has exited. */
  public void stop() {
    process().sigterm();
    process().waitForExit(Await.GENEROUS);
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill9() {
    process().kill9();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The running incarnation, for signals and its log. */
  public JavaProcess process() {
    if (process == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return process;
  }

  public String name() {
    return name;
  }

  public int clientPort() {
    return clientPort;
  }

  public String connectString() {
    return HOST + ":" + clientPort;
  }

  /**
   * The server's own account of its role, through the {@code srvr} command: {@code standalone},
   * {@code leader} or {@code follower}; null while it runs but does not serve (no quorum yet).
   *
   * @throws UncheckedIOException when the server cannot be reached
   */
  public String mode() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(HOST), clientPort), SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return modeIn(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(name + " does not answer srvr on port " + clientPort, e);
    }
  }

  void launch() {
    if (isRunning()) {
      throw new IllegalStateException(name + " is already running");
    }
    process = JavaProcess.start(name, dir.resolve("zookeeper.log"), List.of(), MAIN_CLASS,
        List.of(dir.resolve("zoo.cfg").toString()));
  }

  /**
   * Waits for a mode rather than for "ruok": an ensemble member answers "imok" long before it
   * has a quorum and serves anything.
   */
  void awaitServing(Duration deadline) {
    process().awaitWhileRunning(name + " to serve clients", deadline, () -> mode() != null);
  }

  private Path dataDir() {
    return dir.resolve("data");
  }

  private static String modeIn(String srvrOutput) {
    return srvrOutput.lines()
        .filter(line -> line.startsWith("Mode: "))
        .map(line -> line.substring("Mode: ".length()).trim())
        .findFirst()
        .orElse(null);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name + " at " + connectString();
  }
}
