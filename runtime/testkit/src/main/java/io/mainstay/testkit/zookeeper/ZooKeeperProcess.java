package io.mainstay.testkit.zookeeper;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.Jvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real ZooKeeper server in its own JVM, so tests can kill -9, freeze and restart it like
 * production would see it. Its directory holds {@code zoo.cfg} (see {@link ZooKeeperConfig}),
 * {@code data/} and {@code zookeeper.log}; a restart reuses all three and the client port.
 */
public final class ZooKeeperProcess {

  public static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
  private static final int SOCKET_TIMEOUT_MILLIS = 2000;

  private final String name;
  private final Path dir;
  private final int clientPort;
  private final List<String> jvmOptions;
  private String classpath = Jvm.classpath();
  private Path logFile;
  private Path pidFile;
  private JavaProcess process;

  private ZooKeeperProcess(String name, Path dir, int clientPort, List<String> quorumLines, List<String> jvmOptions) {
    this.name = name;
    this.dir = dir;
    this.clientPort = clientPort;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.logFile = dir.resolve("zookeeper.log");
    ZooKeeperConfig.write(dir, Loopback.HOST, clientPort, quorumLines);
  }

  /** A single server on a free port in {@code dir}, in a {@link Jvm#QUICK_START} JVM; call {@link #start()}. */
  public static ZooKeeperProcess standalone(Path dir) {
    return standalone(dir, Jvm.QUICK_START);
  }

  /** Like {@link #standalone(Path)}, its JVM started with {@code jvmOptions} (e.g. its own logback file). */
  public static ZooKeeperProcess standalone(Path dir, List<String> jvmOptions) {
    return standalone(dir, Loopback.freePort(), jvmOptions);
  }

  /** Like {@link #standalone(Path, List)}, on a chosen client port. */
  public static ZooKeeperProcess standalone(Path dir, int clientPort, List<String> jvmOptions) {
    return new ZooKeeperProcess("zookeeper", dir, clientPort, List.of(), jvmOptions);
  }

  /** Server {@code serverId} of an ensemble described by its {@code server.N=...} lines. */
  static ZooKeeperProcess ensembleMember(Path dir, int serverId, int clientPort, List<String> serverLines) {
    ZooKeeperProcess member = new ZooKeeperProcess("zookeeper-" + serverId, dir, clientPort, serverLines, Jvm.QUICK_START);
    ZooKeeperConfig.writeServerId(dir, serverId);
    return member;
  }

  /** The classpath the server runs on (it must hold ZooKeeper's jars); default the launcher's own. */
  public ZooKeeperProcess classpath(String path) {
    this.classpath = path;
    return this;
  }

  /** The server outlives the launching JVM, with {@code zookeeper.pid} in its directory. */
  public ZooKeeperProcess detached() {
    return detached(dir.resolve("zookeeper.pid"));
  }

  /** The server outlives the launching JVM, its pid written to {@code pidFile}. */
  public ZooKeeperProcess detached(Path pidFile) {
    this.pidFile = pidFile;
    return this;
  }

  /** Where its output goes; default {@code zookeeper.log} in its directory. */
  public ZooKeeperProcess logTo(Path file) {
    this.logFile = file;
    return this;
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

  /**
   * Runs the server at a higher CPU priority (nice -5), when allowed. On a shared two-core machine a
   * server starved for longer than a short session expires every session at once, a fault nobody
   * injected; production ZooKeeper has its own hosts. Call again after each restart (new pid).
   */
  public ZooKeeperProcess favour() {
    try {
      Process renice = new ProcessBuilder("renice", "-n", "-5", "-p", Long.toString(process().pid()))
          .redirectErrorStream(true).start();
      renice.getInputStream().readAllBytes();
      renice.waitFor();
    } catch (IOException e) {
      // no renice here: run at normal priority
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
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

  /** Its output, every incarnation. */
  public Path logFile() {
    return logFile;
  }

  public String connectString() {
    return Loopback.HOST + ":" + clientPort;
  }

  /**
   * The server's own account of its role, through the {@code srvr} command: {@code standalone},
   * {@code leader} or {@code follower}; null while it runs but does not serve (no quorum yet).
   *
   * @throws UncheckedIOException when the server cannot be reached
   */
  public String mode() {
    return modeIn(fourLetterWord(clientPort, "srvr"));
  }

  /**
   * Sends a four-letter word ({@code ruok}, {@code srvr}, ...) to the server on loopback port
   * {@code clientPort} and returns its whole answer (the server closes the connection after it).
   *
   * @throws UncheckedIOException when the server cannot be reached
   */
  public static String fourLetterWord(int clientPort, String word) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(Loopback.HOST), clientPort), SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return readAll(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("no ZooKeeper answers " + word + " on port " + clientPort, e);
    }
  }

  void launch() {
    if (isRunning()) {
      throw new IllegalStateException(name + " is already running");
    }
    JavaProcess.Launch launch = JavaProcess.launch(name, MAIN_CLASS)
        .logFile(logFile)
        .jvmOptions(jvmOptions)
        .classpath(classpath)
        .args(List.of(ZooKeeperConfig.file(dir).toString()));
    process = (pidFile != null ? launch.detached(pidFile) : launch).start();
  }

  /**
   * Waits for a mode rather than for "ruok": an ensemble member answers "imok" long before it
   * has a quorum and serves anything.
   */
  void awaitServing(Duration deadline) {
    process().awaitWhileRunning(name + " to serve clients", deadline, () -> mode() != null);
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

  @Override
  public String toString() {
    return name + " at " + connectString();
  }
}
