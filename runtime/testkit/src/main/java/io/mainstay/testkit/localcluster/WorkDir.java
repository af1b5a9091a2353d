package io.mainstay.testkit.localcluster;

import io.mainstay.testkit.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local cluster's work dir ({@code MAINSTAY_LOCAL_CLUSTER_DIR}, default {@code $MAINSTAY_HOME/local-cluster}):
 * <pre>
 *   nodes/&lt;node&gt;/mainstay.conf   one conf dir per node, for bin/mainstay --conf
 *   run/    pid files and the coordinators' url files (MAINSTAY_PID_DIR), zookeeper.pid
 *   log/    the nodes' logs (MAINSTAY_LOG_DIR), zookeeper.log
 *   zookeeper/   zoo.cfg and data/;   settings   what up was given
 *   shared-store/   paths.local of both coordinators;   exec-N/   paths.local of executor N
 *   .mainstay-local-cluster   marks the dir as made by up, so down --purge removes nothing else
 * </pre>
 */
record WorkDir(Path root) {

  static final String MARKER = ".mainstay-local-cluster";

  Path nodes() {
    return root.resolve("nodes");
  }

  Path node(String name) {
    return nodes().resolve(name);
  }

  Path run() {
    return root.resolve("run");
  }

  Path log() {
    return root.resolve("log");
  }

  Path zooKeeper() {
    return root.resolve("zookeeper");
  }

  /** One directory stands in for the NFS volume a real cluster shares between its main candidates. */
  Path sharedStore() {
    return root.resolve("shared-store");
  }

  /** An executor's own paths.local. */
  Path store(String executor) {
    return root.resolve(executor);
  }

  Path pidFile(String node) {
    return run().resolve(NodeName.instance(node) + ".pid");
  }

  /** Written by a coordinator once it serves: its web URL. */
  Path urlFile(String node) {
    return run().resolve(NodeName.instance(node) + ".url");
  }

  boolean exists() {
    return Files.isDirectory(root);
  }

  /** Whether up has set a cluster up here. */
  boolean hasNodes() {
    return Files.isDirectory(nodes());
  }

  boolean isMarked() {
    return Files.isRegularFile(root.resolve(MARKER));
  }

  /** The directories up needs, and the marker. */
  void create() {
    try {
      for (Path dir : List.of(run(), log(), nodes(), sharedStore())) {
        Files.createDirectories(dir);
      }
      Path marker = root.resolve(MARKER);
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The nodes that have a conf dir here (what status, kill-main and down act on), coordinators first. */
  List<String> existingNodes() {
    if (!hasNodes()) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(nodes())) {
      return dirs.filter(dir -> Files.isRegularFile(dir.resolve("mainstay.conf")))
          .map(dir -> dir.getFileName().toString())
          .filter(NodeName::isNode)
          .sorted(NodeName.ORDER)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> coordinators() {
    return existingNodes().stream().filter(node -> !NodeName.isExecutor(node)).toList();
  }

  /** What up recorded in {@code settings}; empty when it recorded nothing. */
  Map<String, String> recordedSettings() {
    Path file = root.resolve("settings");
    Map<String, String> values = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return values;
    }
    for (String line : read(file)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return values;
  }

  void recordSettings(LocalClusterSettings settings) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by bin/mainstay-local-cluster up; used when the variable is not set.");
    settings.asMap().forEach((name, value) -> lines.add(name + "=" + value));
    try {
      Files.write(root.resolve("settings"), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the conf dir of a node (not its data). */
  void removeConf(String node) {
    Directories.delete(node(node));
  }

  /** Removes the whole work dir. */
  void purge() {
    Directories.delete(root);
  }


  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
