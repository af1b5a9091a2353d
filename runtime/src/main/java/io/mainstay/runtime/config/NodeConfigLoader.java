package io.mainstay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.store.Tables;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates {@code mainstay.conf} (HOCON, keys after Dremio's {@code dremio.conf}) over the
 * defaults in {@code mainstay-reference.conf} and those of the machine ({@link MachineDefaults}).
 *
 * <p>No application.conf, no system properties (environment substitutions such as {@code ${?MAINSTAY_ZK}}
 * do resolve), and no file touched besides the ones read: {@link LocalPath} prepares {@code paths.local}
 * at start-up. Typesafe Config converts the values; what is Mainstay's own is checked here: the role
 * combinations, port ranges and clashes, the session timeout range, names and addresses. Every problem the
 * node cannot start with is a {@link ConfigProblem} whose message is one line naming the key; harmless
 * oddities (unknown keys, an embedded ZooKeeper nobody connects to) come back as {@link Loaded#warnings()}.
 */
public final class NodeConfigLoader {

  /** The file {@link #load(Path)} reads from the configuration directory. */
  public static final String FILE_NAME = "mainstay.conf";
  /** System property: the distribution home; relative {@code paths.local} resolve against it. */
  public static final String HOME_PROPERTY = "mainstay.home";

  public static final String PATHS_LOCAL = "paths.local";
  /** Read by the SQL extension; checked here for its type, so a wrong one stops the node at start-up. */
  static final String PATHS_DATASETS = "paths.datasets";
  static final String STORE_MAP_SIZE = "store.map-size";
  static final long MIN_STORE_MAP_SIZE = 16L << 20;
  static final long MAX_STORE_MAP_SIZE = 1L << 40;
  public static final String COORDINATOR_ENABLED = "services.coordinator.enabled";
  public static final String MASTER_ENABLED = "services.coordinator.master.enabled";
  public static final String EMBEDDED_ZK_ENABLED = "services.coordinator.master.embedded-zookeeper.enabled";
  public static final String EMBEDDED_ZK_PORT = "services.coordinator.master.embedded-zookeeper.port";
  public static final String WEB_PORT = "services.coordinator.web.port";
  public static final String FABRIC_PORT = "services.fabric.port";
  public static final String EXECUTOR_ENABLED = "services.executor.enabled";
  public static final String EXECUTOR_SLOTS = "services.executor.slots";
  public static final String ZOOKEEPER = "zookeeper";
  public static final String ZK_SESSION_TIMEOUT = "zk.client.session.timeout";
  public static final String CLUSTER_ID = "cluster.id";
  public static final String EXTENSIONS_DIR = "extensions.dir";
  public static final String EXTENSIONS_DISABLED = "extensions.disabled";
  public static final String EXTENSIONS_EXAMPLES = "extensions.examples";
  public static final String SUPERVISION_MIN_BACKOFF = "services.supervision.min-backoff";
  public static final String SUPERVISION_MAX_BACKOFF = "services.supervision.max-backoff";
  public static final String SUPERVISION_MAX_RESTARTS = "services.supervision.max-restarts";
  public static final String SUPERVISION_RESTART_WINDOW = "services.supervision.restart-window";
  public static final String NODE_NAME = "node.name";
  public static final String NODE_HOST = "node.host";
  /** The key a {@link ConfigProblem} names when no role is enabled. */
  public static final String SERVICES = "services";

  /** ZooKeeper servers grant 2 to 20 ticks; beyond these bounds a timeout is a typo, not a choice. */
  static final long MIN_ZK_SESSION_TIMEOUT_MS = 1_000;
  static final long MAX_ZK_SESSION_TIMEOUT_MS = 600_000;

  private static final String REFERENCE = "mainstay-reference.conf";
  /** Unresolved: the derived defaults resolve against the operator's file. */
  private static final Config DEFAULTS = ConfigFactory
      .parseResources(NodeConfigLoader.class.getClassLoader(), REFERENCE,
          ConfigParseOptions.defaults().setAllowMissing(false))
      .withFallback(MachineDefaults.config());
  private static final KnownKeys KNOWN_KEYS = new KnownKeys(DEFAULTS.resolve());

  /** The validated configuration plus the warnings an operator should see in the log. */
  public record Loaded(NodeConfig config, List<String> warnings) {
    public Loaded {
      Objects.requireNonNull(config, "config");
      warnings = List.copyOf(warnings);
    }
  }

  private NodeConfigLoader() {}

  /**
   * Reads {@code confDir/mainstay.conf}. A relative {@code paths.local} resolves against the system property
   * {@code mainstay.home} when set, else against the current directory.
   */
  public static Loaded load(Path confDir) throws ConfigProblem {
    if (confDir == null) {
      throw new ConfigProblem(FILE_NAME, "no configuration directory given (use --conf DIR)");
    }
    Path dir = confDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new ConfigProblem(FILE_NAME, "configuration directory " + dir + " does not exist or is not a directory");
    }
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new ConfigProblem(FILE_NAME, "file not found: " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigProblem(FILE_NAME, file + " is not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigProblem(FILE_NAME, "cannot read " + file + " (permission denied)");
    }
    Config raw;
    try {
      raw = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException e) {
      throw ConfigProblem.inFile(e, file.toString());
    }
    return build(raw, defaultBaseDir(), file.toString());
  }

  /**
   * Parses HOCON text as if it were {@code mainstay.conf}; a relative {@code paths.local} resolves against
   * {@code baseDir} (or as in {@link #load(Path)} when {@code baseDir} is null).
   */
  public static Loaded parse(String hocon, Path baseDir) throws ConfigProblem {
    Objects.requireNonNull(hocon, "hocon");
    Config raw;
    try {
      raw = ConfigFactory.parseString(hocon,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(FILE_NAME));
    } catch (ConfigException e) {
      throw ConfigProblem.inFile(e, null);
    }
    return build(raw, baseDir == null ? defaultBaseDir() : baseDir.toAbsolutePath(), null);
  }

  private static Path defaultBaseDir() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      try {
        return Path.of(home).toAbsolutePath();
      } catch (InvalidPathException e) {
        // not a usable home: the current directory, as without one
      }
    }
    return Path.of("").toAbsolutePath();
  }

  private static Loaded build(Config raw, Path baseDir, String fileLabel) throws ConfigProblem {
    try {
      // The file's own substitutions may name defaults, e.g. zookeeper: "zk1:"${...embedded-zookeeper.port}.
      Config file = raw.resolveWith(raw.withFallback(DEFAULTS));
      List<String> warnings = new ArrayList<>(KNOWN_KEYS.check(file));
      Config own = KNOWN_KEYS.withoutNulls(file);
      if (own.hasPath(EMBEDDED_ZK_PORT)) {
        // The zookeeper default is concatenated from this port: a list there must fail here, on its key.
        new TypedValues(own, own).whole(EMBEDDED_ZK_PORT);
      }
      Config resolved = own.withFallback(DEFAULTS).resolve();
      NodeConfig config = interpret(new TypedValues(resolved, own), resolved, file, baseDir, warnings);
      return new Loaded(config, warnings);
    } catch (ConfigException e) {
      throw ConfigProblem.inFile(e, fileLabel);
    }
  }

  /** Mainstay's own rules on the typed values; adds the warning of an embedded ZooKeeper nobody connects to. */
  private static NodeConfig interpret(TypedValues v, Config resolved, Config file, Path baseDir, List<String> warnings)
      throws ConfigProblem {
    boolean coordinator = v.bool(COORDINATOR_ENABLED);
    boolean main = v.bool(MASTER_ENABLED);
    boolean embedded = v.bool(EMBEDDED_ZK_ENABLED);
    boolean executor = v.bool(EXECUTOR_ENABLED);
    checkRoles(v, coordinator, main, embedded, executor);

    int zkPort = port(v, EMBEDDED_ZK_PORT, 1);
    int webPort = port(v, WEB_PORT, 1);
    int fabricPort = port(v, FABRIC_PORT, 0);
    long slots = v.whole(EXECUTOR_SLOTS);
    if (slots < 1) {
      throw new ConfigProblem(EXECUTOR_SLOTS, slots + " is too small; an executor needs at least 1 slot"
          + v.where(EXECUTOR_SLOTS));
    }
    if (slots > Integer.MAX_VALUE) {
      throw new ConfigProblem(EXECUTOR_SLOTS, slots + " is out of range" + v.where(EXECUTOR_SLOTS));
    }
    checkPortClash(v, coordinator ? webPort : -1, embedded ? zkPort : -1, fabricPort);

    String zookeeper = ZooKeeperConnectString.normalize(v.string(ZOOKEEPER), v.where(ZOOKEEPER));
    Duration sessionTimeout = v.duration(ZK_SESSION_TIMEOUT);
    long timeoutMs = sessionTimeout.toMillis();
    if (timeoutMs < MIN_ZK_SESSION_TIMEOUT_MS || timeoutMs > MAX_ZK_SESSION_TIMEOUT_MS) {
      throw new ConfigProblem(ZK_SESSION_TIMEOUT, timeoutMs + " ms is out of range; use " + MIN_ZK_SESSION_TIMEOUT_MS
          + ".." + MAX_ZK_SESSION_TIMEOUT_MS + " (milliseconds)" + v.where(ZK_SESSION_TIMEOUT));
    }

    String clusterId = Names.id(CLUSTER_ID, v.string(CLUSTER_ID), 64, v.where(CLUSTER_ID));
    String nodeName = Names.id(NODE_NAME, v.string(NODE_NAME), 128, v.where(NODE_NAME));
    String nodeHost = Names.host(NODE_HOST, v.string(NODE_HOST), v.where(NODE_HOST));
    if (embedded && !ZooKeeperConnectString.includesThisNode(zookeeper, zkPort, nodeHost, nodeName)) {
      warnings.add("zookeeper '" + zookeeper + "' does not include this node's embedded ZooKeeper (port " + zkPort
          + "); when using an external quorum set " + EMBEDDED_ZK_ENABLED + ": false");
    }

    Path localPath = localPath(v.string(PATHS_LOCAL), baseDir, v.where(PATHS_LOCAL));
    NodeConfig.Extensions extensions = extensions(v, baseDir);
    ServiceSupervisor.Settings supervision = supervision(v);
    long storeMapSize = v.bytes(STORE_MAP_SIZE);
    if (storeMapSize < MIN_STORE_MAP_SIZE || storeMapSize > MAX_STORE_MAP_SIZE) {
      throw new ConfigProblem(STORE_MAP_SIZE, storeMapSize + " bytes is out of range; use 16 MiB .. 1 TiB"
          + v.where(STORE_MAP_SIZE));
    }
    v.strings(PATHS_DATASETS);
    // Passed to Pekko untouched, still rooted at "pekko".
    Config pekko = file.hasPath(KnownKeys.PEKKO) ? file.withOnlyPath(KnownKeys.PEKKO) : ConfigFactory.empty();
    return new NodeConfig(nodeName, nodeHost, localPath, coordinator, main, embedded, zkPort, executor,
        (int) slots, webPort, fabricPort, zookeeper, sessionTimeout, clusterId, extensions, supervision, storeMapSize, pekko,
        resolved.withValue(PATHS_LOCAL, ConfigValueFactory.fromAnyRef(localPath.toString())));
  }

  private static void checkRoles(TypedValues v, boolean coordinator, boolean main, boolean embedded,
      boolean executor) throws ConfigProblem {
    if (main && !coordinator) {
      throw new ConfigProblem(MASTER_ENABLED, "is true but " + COORDINATOR_ENABLED + " is false; a master-eligible"
          + " node must be a coordinator (set " + COORDINATOR_ENABLED + ": true or " + MASTER_ENABLED + ": false)"
          + v.where(MASTER_ENABLED));
    }
    if (embedded && !main) {
      throw new ConfigProblem(EMBEDDED_ZK_ENABLED, "is true but this node is not master-eligible ("
          + (coordinator ? MASTER_ENABLED : COORDINATOR_ENABLED) + " is false); only a master-eligible coordinator"
          + " can run the embedded ZooKeeper (set it to false and point 'zookeeper' at the quorum)"
          + v.where(EMBEDDED_ZK_ENABLED));
    }
    if (!coordinator && !executor) {
      throw new ConfigProblem(SERVICES, "the node has no role: " + COORDINATOR_ENABLED + " and " + EXECUTOR_ENABLED
          + " are both false; enable at least one");
    }
  }

  private static int port(TypedValues v, String key, int min) throws ConfigProblem {
    long port = v.whole(key);
    if (port < min || port > 65535) {
      throw new ConfigProblem(key, port + " is out of range; use " + min + "..65535"
          + (min == 0 ? " (0 = any free port)" : "") + v.where(key));
    }
    return (int) port;
  }

  /** The ports this node binds (-1: not bound); a clash is reported on the later key against the earlier. */
  private static void checkPortClash(TypedValues v, int webPort, int zkPort, int fabricPort) throws ConfigProblem {
    List<Map.Entry<String, Integer>> bound = new ArrayList<>();
    for (Map.Entry<String, Integer> port : List.of(
        Map.entry(WEB_PORT, webPort), Map.entry(EMBEDDED_ZK_PORT, zkPort), Map.entry(FABRIC_PORT, fabricPort))) {
      if (port.getValue() <= 0) {
        continue; // not bound, or 0: any free port
      }
      for (Map.Entry<String, Integer> earlier : bound) {
        if (earlier.getValue().equals(port.getValue())) {
          throw new ConfigProblem(port.getKey(), port.getValue() + " is also " + earlier.getKey()
              + "; each service needs its own port" + v.where(port.getKey()));
        }
      }
      bound.add(port);
    }
  }

  /** Existence of the directory is the start-up's to check: parsing touches no file. */
  private static NodeConfig.Extensions extensions(TypedValues v, Path baseDir) throws ConfigProblem {
    String raw = v.string(EXTENSIONS_DIR).strip();
    Optional<Path> dir = Optional.empty();
    if (!raw.isEmpty()) {
      try {
        dir = Optional.of(baseDir.resolve(Path.of(raw)).toAbsolutePath().normalize());
      } catch (InvalidPathException e) {
        throw new ConfigProblem(EXTENSIONS_DIR, "'" + raw + "' is not a valid path: " + e.getReason() + v.where(EXTENSIONS_DIR));
      }
    }
    Set<String> disabled = new TreeSet<>();
    for (String name : v.strings(EXTENSIONS_DISABLED)) {
      if (!Tables.isValidName(name)) {
        throw new ConfigProblem(EXTENSIONS_DISABLED, "'" + name + "' is not an extension name (lower-case letters, digits"
            + " and '-', starting with a letter, at most 40)" + v.where(EXTENSIONS_DISABLED));
      }
      disabled.add(name);
    }
    return new NodeConfig.Extensions(dir, disabled, v.bool(EXTENSIONS_EXAMPLES));
  }

  /** Every service's restart policy; a budget of 0 restarts means a service that throws stays failed. */
  private static ServiceSupervisor.Settings supervision(TypedValues v) throws ConfigProblem {
    Duration minBackoff = positive(v, SUPERVISION_MIN_BACKOFF);
    Duration maxBackoff = positive(v, SUPERVISION_MAX_BACKOFF);
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new ConfigProblem(SUPERVISION_MAX_BACKOFF, maxBackoff.toMillis() + " ms is below " + SUPERVISION_MIN_BACKOFF
          + " (" + minBackoff.toMillis() + " ms)" + v.where(SUPERVISION_MAX_BACKOFF));
    }
    long maxRestarts = v.whole(SUPERVISION_MAX_RESTARTS);
    if (maxRestarts < 0 || maxRestarts > 1_000) {
      throw new ConfigProblem(SUPERVISION_MAX_RESTARTS, maxRestarts + " is out of range; use 0..1000"
          + v.where(SUPERVISION_MAX_RESTARTS));
    }
    Duration window = positive(v, SUPERVISION_RESTART_WINDOW);
    return new ServiceSupervisor.Settings(minBackoff, maxBackoff, (int) maxRestarts, window);
  }

  private static Duration positive(TypedValues v, String key) throws ConfigProblem {
    Duration duration = v.duration(key);
    if (duration.isNegative() || duration.isZero()) {
      throw new ConfigProblem(key, "must be a positive duration" + v.where(key));
    }
    return duration;
  }

  private static Path localPath(String raw, Path baseDir, String where) throws ConfigProblem {
    if (raw.isBlank()) {
      throw new ConfigProblem(PATHS_LOCAL, "is empty; set the directory for this node's local data" + where);
    }
    try {
      return baseDir.resolve(Path.of(raw.strip())).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new ConfigProblem(PATHS_LOCAL, "'" + raw + "' is not a valid path: " + e.getReason() + where);
    }
  }
}
