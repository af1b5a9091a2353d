package io.mainstay.runtime.config;

import com.typesafe.config.Config;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.supervision.ServiceSupervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The validated configuration of one Mainstay node, as read from {@code mainstay.conf} by
 * {@link NodeConfigLoader}.
 *
 * @param nodeName              {@code node.name}: this node's id in ZooKeeper ({@code nodes/<name>})
 * @param nodeHost              {@code node.host}: the address other nodes and clients reach this node on
 * @param localPath             {@code paths.local}, absolute and normalized ({@link LocalPath} makes it a
 *                              writable directory at start-up)
 * @param coordinator           {@code services.coordinator.enabled}
 * @param mainEligible        {@code services.coordinator.master.enabled} (implies {@code coordinator})
 * @param embeddedZooKeeper     {@code services.coordinator.master.embedded-zookeeper.enabled} (implies
 *                              {@code mainEligible})
 * @param embeddedZooKeeperPort {@code services.coordinator.master.embedded-zookeeper.port}, 1..65535
 * @param executor              {@code services.executor.enabled}
 * @param executorSlots         {@code services.executor.slots}, at least 1
 * @param webPort               {@code services.coordinator.web.port}, 1..65535
 * @param fabricPort            {@code services.fabric.port}, 0..65535 (0 = any free port)
 * @param zookeeper             {@code zookeeper}: comma-separated {@code host:port} list, no chroot
 * @param zkSessionTimeout      {@code zk.client.session.timeout}, 1 s .. 10 min
 * @param clusterId             {@code cluster.id}: names the ZooKeeper root {@code /mainstay/<id>}
 * @param storeMapSize          {@code store.map-size}: the most bytes the main's LMDB store can hold, 16 MiB .. 1 TiB
 * @param pekkoOverrides        the {@code pekko { ... }} block of the file, still rooted at {@code pekko}
 *                              (so {@code pekkoOverrides.withFallback(ConfigFactory.load())} works);
 *                              {@code ConfigFactory.empty()} when the file has none
 * @param resolved              the whole configuration, file over defaults, with {@code paths.local}
 *                              absolute: what extensions read their own keys from
 */
public record NodeConfig(
    String nodeName,
    String nodeHost,
    Path localPath,
    boolean coordinator,
    boolean mainEligible,
    boolean embeddedZooKeeper,
    int embeddedZooKeeperPort,
    boolean executor,
    int executorSlots,
    int webPort,
    int fabricPort,
    String zookeeper,
    Duration zkSessionTimeout,
    String clusterId,
    Extensions extensions,
    ServiceSupervisor.Settings supervision,
    long storeMapSize,
    Config pekkoOverrides,
    Config resolved) {

  /**
   * {@code extensions.dir} (absolute, empty when unset), {@code extensions.disabled} and {@code
   * extensions.examples}: which extensions the node loads besides those on its class path and in {@code
   * lib/ext/}, which it leaves out, and whether it runs the shipped examples of {@code lib/examples/}.
   */
  public record Extensions(Optional<Path> dir, Set<String> disabled, boolean examples) {
    public Extensions {
      Objects.requireNonNull(dir, "dir");
      disabled = Set.copyOf(disabled);
    }

    public static Extensions none() {
      return new Extensions(Optional.empty(), Set.of(), false);
    }
  }

  public NodeConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(nodeHost, "nodeHost");
    Objects.requireNonNull(localPath, "localPath");
    Objects.requireNonNull(zookeeper, "zookeeper");
    Objects.requireNonNull(zkSessionTimeout, "zkSessionTimeout");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(extensions, "extensions");
    Objects.requireNonNull(supervision, "supervision");
    Objects.requireNonNull(pekkoOverrides, "pekkoOverrides");
  }

  /** The ZooKeeper path everything of this cluster lives under: {@code /mainstay/<cluster.id>}. */
  public String zkRoot() {
    return "/mainstay/" + clusterId;
  }

  /** {@code http://<node.host>:<web.port>} (IPv6 literals are bracketed). */
  public String webUrl() {
    String host = nodeHost.indexOf(':') >= 0 && !nodeHost.startsWith("[") ? "[" + nodeHost + "]" : nodeHost;
    return "http://" + host + ":" + webPort;
  }

  /** The enabled roles, in this order: {@code coordinator}, {@code master}, {@code executor}. */
  public Set<String> roles() {
    Set<String> roles = new LinkedHashSet<>();
    if (coordinator) {
      roles.add(NodeRecord.COORDINATOR);
    }
    if (mainEligible) {
      roles.add(NodeRecord.MAIN_ELIGIBLE);
    }
    if (executor) {
      roles.add(NodeRecord.EXECUTOR);
    }
    return Collections.unmodifiableSet(roles);
  }

  /** One line for the startup log: who this node is and where it connects. */
  public String summary() {
    StringBuilder sb = new StringBuilder()
        .append("node ").append(nodeName).append(" (").append(nodeHost).append(')')
        .append(", roles ").append(String.join("+", roles()))
        .append(", cluster ").append(clusterId)
        .append(", zookeeper ").append(zookeeper);
    if (embeddedZooKeeper) {
      sb.append(" (embedded on port ").append(embeddedZooKeeperPort).append(')');
    }
    if (coordinator) {
      sb.append(", web ").append(webUrl());
    }
    sb.append(", fabric port ").append(fabricPort == 0 ? "any" : Integer.toString(fabricPort));
    if (executor) {
      sb.append(", slots ").append(executorSlots);
    }
    sb.append(", paths.local ").append(localPath);
    return sb.toString();
  }
}
