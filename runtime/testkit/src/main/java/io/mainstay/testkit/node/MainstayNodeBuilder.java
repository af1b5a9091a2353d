package io.mainstay.testkit.node;

import io.mainstay.testkit.Loopback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code <baseDir>/<nodeName>/conf/mainstay.conf} for one test node: its own free web and
 * fabric ports, loopback host, and the roles and ZooKeeper asked for. Defaults: a master-eligible
 * coordinator without executor or embedded ZooKeeper. The flags are written as given, unchecked,
 * so a test can also produce the bad configurations the node must refuse (a master-eligible node
 * must be a coordinator).
 */
public final class MainstayNodeBuilder {

  private final Path baseDir;
  private final String nodeName;
  private String zookeeper;
  private Path sharedStore;
  private boolean coordinator = true;
  private boolean mainEligible = true;
  private boolean executor;
  private Integer embeddedZooKeeperPort;
  private Integer sessionTimeoutMs;
  private String clusterId = "it";
  private final List<String> extraConf = new ArrayList<>();
  private List<String> jvmOptions = MainstayNodeProcess.TEST_JVM;
  private NodeHttp.Timeouts httpTimeouts = NodeHttp.Timeouts.SHORT;
  private Integer webPort;
  private Integer fabricPort;
  private MainstayNodeProcess.Launching launching = MainstayNodeProcess.Launching.OWNED;

  MainstayNodeBuilder(Path baseDir, String nodeName) {
    this.baseDir = baseDir;
    this.nodeName = nodeName;
  }

  public MainstayNodeBuilder zookeeper(String connectString) {
    this.zookeeper = connectString;
    return this;
  }

  /**
   * {@code paths.local}: one shared with other main candidates, or any directory chosen for the node;
   * by default each node has its own under its directory.
   */
  public MainstayNodeBuilder sharedStore(Path dir) {
    this.sharedStore = dir;
    return this;
  }

  public MainstayNodeBuilder coordinator(boolean enabled) {
    this.coordinator = enabled;
    return this;
  }

  public MainstayNodeBuilder mainEligible(boolean enabled) {
    this.mainEligible = enabled;
    return this;
  }

  public MainstayNodeBuilder executor(boolean enabled) {
    this.executor = enabled;
    return this;
  }

  /** Runs ZooKeeper inside the node on {@code port}; also the default {@code zookeeper} address. */
  public MainstayNodeBuilder embeddedZooKeeper(int port) {
    this.embeddedZooKeeperPort = port;
    return this;
  }

  /** {@code zk.client.session.timeout}; the node's default when not set. */
  public MainstayNodeBuilder sessionTimeoutMs(int millis) {
    this.sessionTimeoutMs = millis;
    return this;
  }

  /** {@code cluster.id}, default {@code it}: nodes meant to form one cluster must share it. */
  public MainstayNodeBuilder clusterId(String id) {
    this.clusterId = id;
    return this;
  }

  /** A raw HOCON line, written last so it overrides anything above it. */
  public MainstayNodeBuilder extraConf(String hoconLine) {
    this.extraConf.add(hoconLine);
    return this;
  }

  /** {@code services.coordinator.web.port}; a free port by default. */
  public MainstayNodeBuilder webPort(int port) {
    this.webPort = port;
    return this;
  }

  /** {@code services.fabric.port}; a free port by default, 0 for whichever is free at each start. */
  public MainstayNodeBuilder fabricPort(int port) {
    this.fabricPort = port;
    return this;
  }

  /** The node's JVM options; default a small, quick-starting JVM that logs to its console. */
  public MainstayNodeBuilder jvmOptions(List<String> options) {
    this.jvmOptions = List.copyOf(options);
    return this;
  }

  /** How long the node's {@link NodeHttp} waits for answers; default {@link NodeHttp.Timeouts#SHORT}. */
  public MainstayNodeBuilder httpTimeouts(NodeHttp.Timeouts timeouts) {
    this.httpTimeouts = timeouts;
    return this;
  }

  /** The classpath the node runs on (it must hold {@code MainstayNode}); default the launcher's own. */
  public MainstayNodeBuilder classpath(String path) {
    this.launching = new MainstayNodeProcess.Launching(path, launching.detached());
    return this;
  }

  /** Whether the node outlives the launching JVM (with {@code node.pid} in its directory); default not. */
  public MainstayNodeBuilder detached(boolean outlivesLauncher) {
    this.launching = new MainstayNodeProcess.Launching(launching.classpath(), outlivesLauncher);
    return this;
  }

  /** Writes the configuration (creating the store directory) and returns the node, not yet started. */
  public MainstayNodeProcess build() {
    Path home = baseDir.resolve(nodeName);
    Path confDir = home.resolve("conf");
    int webPort = this.webPort != null ? this.webPort : Loopback.freePort();
    int fabricPort = this.fabricPort != null ? this.fabricPort : Loopback.freePort();
    writeConf(confDir, home, webPort, fabricPort);
    return new MainstayNodeProcess(nodeName, home, confDir, webPort, fabricPort, jvmOptions, httpTimeouts, launching);
  }

  /**
   * Writes only the configuration, as a conf dir for {@code bin/mainstay --conf}:
   * {@code <baseDir>/<nodeName>/mainstay.conf}, so its instance is {@code mainstay-<nodeName>}. No process;
   * returns the conf dir.
   */
  public Path writeConfDir() {
    Path confDir = baseDir.resolve(nodeName);
    writeConf(confDir, confDir, webPort != null ? webPort : Loopback.freePort(),
        fabricPort != null ? fabricPort : Loopback.freePort());
    return confDir;
  }

  private void writeConf(Path confDir, Path home, int webPort, int fabricPort) {
    Path store = sharedStore != null ? sharedStore : home.resolve("store");
    try {
      Files.createDirectories(confDir);
      Files.createDirectories(store);
      Files.writeString(confDir.resolve("mainstay.conf"), render(store, webPort, fabricPort), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String render(Path store, int webPort, int fabricPort) {
    List<String> lines = new ArrayList<>();
    lines.add("cluster.id = " + quoted(clusterId));
    lines.add("node.name = " + quoted(nodeName));
    lines.add("node.host = " + quoted(Loopback.HOST));
    lines.add("paths.local = " + quoted(store.toAbsolutePath().toString()));
    lines.add("zookeeper = " + quoted(zookeeperAddress()));
    lines.add("services.coordinator.enabled = " + coordinator);
    lines.add("services.coordinator.master.enabled = " + mainEligible);
    lines.add("services.coordinator.master.embedded-zookeeper.enabled = " + (embeddedZooKeeperPort != null));
    if (embeddedZooKeeperPort != null) {
      lines.add("services.coordinator.master.embedded-zookeeper.port = " + embeddedZooKeeperPort);
    }
    lines.add("services.coordinator.web.port = " + webPort);
    lines.add("services.fabric.port = " + fabricPort);
    lines.add("services.executor.enabled = " + executor);
    if (sessionTimeoutMs != null) {
      lines.add("zk.client.session.timeout = " + sessionTimeoutMs);
    }
    // the sample's files and DuckDB's native library are no part of what most tests test; extraConf may turn it on
    lines.add("sql.sample-dataset = false");
    lines.addAll(extraConf);
    return String.join("\n", lines) + "\n";
  }

  private String zookeeperAddress() {
    if (zookeeper != null) {
      return zookeeper;
    }
    if (embeddedZooKeeperPort != null) {
      return Loopback.HOST + ":" + embeddedZooKeeperPort;
    }
    throw new IllegalStateException(nodeName + " needs zookeeper(connectString) or embeddedZooKeeper(port)");
  }

  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
