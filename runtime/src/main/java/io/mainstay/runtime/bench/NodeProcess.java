package io.mainstay.runtime.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Mainstay node of the local cluster, launched as production launches it: {@code MainstayNode --conf DIR}
 * in its own JVM. Its directory holds {@code conf/mainstay.conf}, {@code node.log} (every incarnation) and,
 * for an executor, its {@code store/}. It can be started again with the same configuration and ports.
 */
final class NodeProcess {

  static final String MAIN_CLASS = "io.mainstay.runtime.MainstayNode";

  private final String name;
  private final Path home;
  private final boolean coordinator;
  private final int webPort;
  private ChildJvm jvm;

  private NodeProcess(String name, Path home, boolean coordinator, int webPort) {
    this.name = name;
    this.home = home;
    this.coordinator = coordinator;
    this.webPort = webPort;
  }

  /** A master-eligible coordinator whose {@code paths.local} is the shared {@code store}. */
  static NodeProcess coordinator(Path baseDir, String name, Path store, Ports ports, String zookeeper, long sessionMs, String clusterId) {
    int webPort = ports.next();
    List<String> lines = common(name, store, zookeeper, sessionMs, clusterId, ports);
    lines.add("services.coordinator.enabled = true");
    lines.add("services.coordinator.master.enabled = true");
    lines.add("services.coordinator.web.port = " + webPort);
    lines.add("services.executor.enabled = false");
    return write(new NodeProcess(name, baseDir.resolve(name), true, webPort), lines);
  }

  /** An executor-only node with its own {@code paths.local}. */
  static NodeProcess executor(Path baseDir, String name, Ports ports, String zookeeper, long sessionMs, String clusterId) {
    Path home = baseDir.resolve(name);
    List<String> lines = common(name, home.resolve("store"), zookeeper, sessionMs, clusterId, ports);
    lines.add("services.coordinator.enabled = false");
    lines.add("services.coordinator.master.enabled = false");
    lines.add("services.executor.enabled = true");
    lines.add("services.executor.slots = 2");
    return write(new NodeProcess(name, home, false, -1), lines);
  }

  private static List<String> common(String name, Path store, String zookeeper, long sessionMs, String clusterId, Ports ports) {
    List<String> lines = new ArrayList<>();
    lines.add("# written by mainstay-bench");
    lines.add("cluster.id = " + quoted(clusterId));
    lines.add("node.name = " + quoted(name));
    lines.add("node.host = " + quoted(LocalCluster.HOST));
    lines.add("paths.local = " + quoted(store.toAbsolutePath().toString()));
    lines.add("zookeeper = " + quoted(zookeeper));
    lines.add("zk.client.session.timeout = " + sessionMs);
    lines.add("services.coordinator.master.embedded-zookeeper.enabled = false");
    lines.add("services.fabric.port = " + ports.next());
    return lines;
  }

  private static NodeProcess write(NodeProcess node, List<String> lines) {
    try {
      Files.createDirectories(node.confDir());
      Files.writeString(node.confDir().resolve("mainstay.conf"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return node;
  }

  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Launches a new incarnation; returns at once. */
  void start(Processes processes, List<String> jvmOptions) {
    if (jvm != null && jvm.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    jvm = processes.start(name, logFile(), jvmOptions, MAIN_CLASS, List.of("--conf", confDir().toString()), null);
  }

  String name() {
    return name;
  }

  boolean isCoordinator() {
    return coordinator;
  }

  String webUrl() {
    if (!coordinator) {
      throw new IllegalStateException(name + " has no web port");
    }
    return "http://" + LocalCluster.HOST + ":" + webPort;
  }

  Path confDir() {
    return home.resolve("conf");
  }

  Path logFile() {
    return home.resolve("node.log");
  }

  /** The current incarnation. */
  ChildJvm jvm() {
    if (jvm == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return jvm;
  }

  boolean isAlive() {
    return jvm != null && jvm.isAlive();
  }

  /** True when the current incarnation has ended (false before the first start). */
  boolean hasExited() {
    return jvm != null && !jvm.isAlive();
  }

  /** Null while the node runs; otherwise why waiting for it is pointless, with the end of its log. */
  String deadReason() {
    if (isAlive()) {
      return null;
    }
    return name + " is not running; last lines of " + logFile() + ":\n" + jvm().tail(30);
  }

  @Override
  public String toString() {
    return name;
  }
}
