package io.mainstay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code mainstay.conf} (HOCON, keys after Dremio's {@code dremio.conf}).
 *
 * <p>Only the file itself is parsed: no {@code reference.conf}, no system properties (environment
 * substitutions such as {@code ${?MAINSTAY_ZK}} do resolve). Every problem the node cannot start with is a
 * {@link ConfigProblem} whose message is one line naming the key; harmless oddities (unknown keys, an
 * embedded ZooKeeper nobody connects to) come back as {@link Loaded#warnings()}.
 *
 * <p>Defaults are those of a single node that does everything (coordinator + master + executor + embedded
 * ZooKeeper). Two defaults follow other settings so that a short conf does not contradict itself:
 * {@code services.coordinator.master.enabled} defaults to {@code services.coordinator.enabled}, and
 * {@code services.coordinator.master.embedded-zookeeper.enabled} defaults to the master setting; setting
 * them explicitly to a contradiction (master without coordinator, embedded ZooKeeper on a node that is not
 * master-eligible) is an error. {@code zookeeper} defaults to {@code localhost:<embedded-zookeeper.port>}.
 *
 * <p>The {@code zookeeper} string is a comma list of {@code host:port} (IPv6 as {@code [addr]:port}); a
 * ZooKeeper chroot suffix ({@code host:port/path}) is rejected: the cluster already lives under
 * {@code /mainstay/<cluster.id>}, so {@code cluster.id} is what separates clusters sharing a quorum.
 */
public final class NodeConfigLoader {

  /** The file {@link #load(Path)} reads from the configuration directory. */
  public static final String FILE_NAME = "mainstay.conf";
  /** System property: the distribution home; relative {@code paths.local} resolve against it. */
  public static final String HOME_PROPERTY = "mainstay.home";

  public static final String PATHS_LOCAL = "paths.local";
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
  public static final String NODE_NAME = "node.name";
  public static final String NODE_HOST = "node.host";
  public static final String PEKKO = "pekko";
  /** The key a {@link ConfigProblem} names when no role is enabled. */
  public static final String SERVICES = "services";

  /** Every key the loader understands (besides the {@code pekko} block). */
  public static final Set<String> KNOWN_KEYS = Set.of(
      PATHS_LOCAL, COORDINATOR_ENABLED, MASTER_ENABLED, EMBEDDED_ZK_ENABLED, EMBEDDED_ZK_PORT, WEB_PORT,
      FABRIC_PORT, EXECUTOR_ENABLED, EXECUTOR_SLOTS, ZOOKEEPER, ZK_SESSION_TIMEOUT, CLUSTER_ID, NODE_NAME,
      NODE_HOST);

  public static final String DEFAULT_PATHS_LOCAL = "./data";
  public static final int DEFAULT_EMBEDDED_ZK_PORT = 2181;
  public static final int DEFAULT_WEB_PORT = 9047;
  public static final int DEFAULT_FABRIC_PORT = 45678;
  public static final long DEFAULT_ZK_SESSION_TIMEOUT_MS = 10_000;
  public static final long MIN_ZK_SESSION_TIMEOUT_MS = 1_000;
  public static final long MAX_ZK_SESSION_TIMEOUT_MS = 600_000;
  public static final String DEFAULT_CLUSTER_ID = "mainstay";

  private static final Pattern CLUSTER_ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern NODE_NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern HOST_NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,253}");
  private static final Pattern IPV6_PATTERN = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
  private static final String ZK_FORMAT = "expected host:port[,host:port...], e.g. \"zk1:2181,zk2:2181,zk3:2181\"";

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
      throw fileProblem(e, file.toString());
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
      throw fileProblem(e, null);
    }
    return build(raw, baseDir == null ? defaultBaseDir() : baseDir.toAbsolutePath(), null);
  }

  // ---------------------------------------------------------------------------------------------------------

  private static Path defaultBaseDir() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      try {
        return Path.of(home).toAbsolutePath();
      } catch (InvalidPathException e) {
        // fall through to the current directory
      }
    }
    return Path.of("").toAbsolutePath();
  }

  private static Loaded build(Config raw, Path baseDir, String fileLabel) throws ConfigProblem {
    Config c;
    try {
      c = raw.resolve();
    } catch (ConfigException e) {
      throw fileProblem(e, fileLabel);
    }
    try {
      return interpret(c, baseDir);
    } catch (ConfigException e) {
      // Should not happen (every read is type-checked), but never let a raw stack trace reach the operator.
      throw fileProblem(e, fileLabel);
    }
  }

  private static Loaded interpret(Config c, Path baseDir) throws ConfigProblem {
    List<String> warnings = new ArrayList<>(checkKeys(c));
    Values v = new Values(c);

    // Roles.
    boolean coordinator = v.bool(COORDINATOR_ENABLED, true);
    boolean master = v.bool(MASTER_ENABLED, coordinator);
    boolean embedded = v.bool(EMBEDDED_ZK_ENABLED, master);
    boolean executor = v.bool(EXECUTOR_ENABLED, true);
    if (master && !coordinator) {
      throw new ConfigProblem(MASTER_ENABLED, "is true but " + COORDINATOR_ENABLED + " is false; a master-eligible"
          + " node must be a coordinator (set " + COORDINATOR_ENABLED + ": true or " + MASTER_ENABLED + ": false)"
          + v.where(MASTER_ENABLED));
    }
    if (embedded && !master) {
      throw new ConfigProblem(EMBEDDED_ZK_ENABLED, "is true but this node is not master-eligible ("
          + (coordinator ? MASTER_ENABLED : COORDINATOR_ENABLED) + " is false); only a master-eligible coordinator"
          + " can run the embedded ZooKeeper (set it to false and point 'zookeeper' at the quorum)"
          + v.where(EMBEDDED_ZK_ENABLED));
    }
    if (!coordinator && !executor) {
      throw new ConfigProblem(SERVICES, "the node has no role: " + COORDINATOR_ENABLED + " and " + EXECUTOR_ENABLED
          + " are both false; enable at least one");
    }

    // Ports and sizes.
    int zkPort = v.port(EMBEDDED_ZK_PORT, DEFAULT_EMBEDDED_ZK_PORT, false);
    int webPort = v.port(WEB_PORT, DEFAULT_WEB_PORT, false);
    int fabricPort = v.port(FABRIC_PORT, DEFAULT_FABRIC_PORT, true);
    int slots = v.integer(EXECUTOR_SLOTS, Runtime.getRuntime().availableProcessors());
    if (slots < 1) {
      throw new ConfigProblem(EXECUTOR_SLOTS, slots + " is too small; an executor needs at least 1 slot"
          + v.where(EXECUTOR_SLOTS));
    }
    checkPortClash(v, coordinator, webPort, fabricPort, embedded, zkPort);

    // ZooKeeper.
    String zkRaw = v.string(ZOOKEEPER, null);
    String zookeeper = zkRaw == null ? "localhost:" + zkPort : normalizeZookeeper(zkRaw, v.where(ZOOKEEPER));
    Duration sessionTimeout = v.millis(ZK_SESSION_TIMEOUT, DEFAULT_ZK_SESSION_TIMEOUT_MS);
    long timeoutMs = sessionTimeout.toMillis();
    if (timeoutMs < MIN_ZK_SESSION_TIMEOUT_MS || timeoutMs > MAX_ZK_SESSION_TIMEOUT_MS) {
      throw new ConfigProblem(ZK_SESSION_TIMEOUT, timeoutMs + " ms is out of range; use "
          + MIN_ZK_SESSION_TIMEOUT_MS + ".." + MAX_ZK_SESSION_TIMEOUT_MS + " (milliseconds)" + v.where(ZK_SESSION_TIMEOUT));
    }

    // Identity.
    String clusterId = v.string(CLUSTER_ID, DEFAULT_CLUSTER_ID);
    checkName(CLUSTER_ID, clusterId, CLUSTER_ID_PATTERN, 64, v.where(CLUSTER_ID));
    String nodeName = v.string(NODE_NAME, null);
    if (nodeName == null) {
      nodeName = defaultNodeName();
    } else {
      checkName(NODE_NAME, nodeName, NODE_NAME_PATTERN, 128, v.where(NODE_NAME));
    }
    String nodeHost = v.string(NODE_HOST, null);
    nodeHost = nodeHost == null ? defaultNodeHost() : checkHost(nodeHost.strip(), v.where(NODE_HOST));

    if (embedded && zkRaw != null && !pointsAtEmbedded(zookeeper, zkPort, nodeHost, nodeName)) {
      warnings.add("zookeeper '" + zookeeper + "' does not include this node's embedded ZooKeeper (port " + zkPort
          + "); when using an external quorum set " + EMBEDDED_ZK_ENABLED + ": false");
    }

    // Local data directory (every node keeps local data there; the main's store lives in it).
    Path localPath = localPath(v.string(PATHS_LOCAL, DEFAULT_PATHS_LOCAL), baseDir, v.where(PATHS_LOCAL));

    // Pekko overrides: passed through untouched, still rooted at "pekko".
    Config pekko = c.hasPath(PEKKO) ? c.withOnlyPath(PEKKO) : ConfigFactory.empty();

    NodeConfig config = new NodeConfig(nodeName, nodeHost, localPath, coordinator, master, embedded, zkPort,
        executor, slots, webPort, fabricPort, zookeeper, sessionTimeout, clusterId, pekko);
    return new Loaded(config, warnings);
  }

  // --- keys ------------------------------------------------------------------------------------------------

  /** Walks the leaf paths: unknown keys become warnings, a scalar where an object belongs is an error. */
  private static List<String> checkKeys(Config c) throws ConfigProblem {
    if (c.root().containsKey(PEKKO)) {
      ConfigValue p = c.root().get(PEKKO);
      if (p != null && p.valueType() != ConfigValueType.OBJECT && p.valueType() != ConfigValueType.NULL) {
        throw new ConfigProblem(PEKKO, "expected an object (pekko { ... }), got " + describe(p) + where(p));
      }
    }
    List<Map.Entry<String, ConfigValue>> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      String path = e.getKey();
      if (path.startsWith(PEKKO + ".") || KNOWN_KEYS.contains(path)) {
        continue;
      }
      for (String known : KNOWN_KEYS.stream().sorted(Comparator.comparingInt(String::length)).toList()) {
        if (known.startsWith(path + ".")) {
          throw new ConfigProblem(path, "expected an object (it holds " + known + "), got "
              + describe(e.getValue()) + where(e.getValue()));
        }
      }
      unknown.add(e);
    }
    unknown.sort(Comparator.<Map.Entry<String, ConfigValue>>comparingInt(e -> line(e.getValue()))
        .thenComparing(Map.Entry::getKey));
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : unknown) {
      StringBuilder w = new StringBuilder("unknown key '").append(e.getKey()).append("' (ignored)");
      int line = line(e.getValue());
      if (line > 0) {
        w.append(" at line ").append(line);
      }
      String suggestion = suggest(e.getKey());
      if (suggestion != null) {
        w.append("; did you mean '").append(suggestion).append("'?");
      }
      warnings.add(w.toString());
    }
    return warnings;
  }

  private static String suggest(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String u = squash(unknown);
    for (String known : KNOWN_KEYS) {
      int d = squash(known).equals(u) ? 0 : levenshtein(unknown.toLowerCase(), known);
      if (d < bestDistance || (d == bestDistance && best != null && known.compareTo(best) < 0)) {
        best = known;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, unknown.length() / 5) ? best : null;
  }

  private static String squash(String s) {
    return s.toLowerCase().replaceAll("[^a-z0-9]", "");
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // --- checks ----------------------------------------------------------------------------------------------

  private static void checkPortClash(Values v, boolean coordinator, int webPort, int fabricPort, boolean embedded,
      int zkPort) throws ConfigProblem {
    // key -> port, in the order a clash is reported against the earlier one
    List<Map.Entry<String, Integer>> used = new ArrayList<>();
    if (coordinator) {
      used.add(Map.entry(WEB_PORT, webPort));
    }
    if (embedded) {
      used.add(Map.entry(EMBEDDED_ZK_PORT, zkPort));
    }
    if (fabricPort != 0) {
      used.add(Map.entry(FABRIC_PORT, fabricPort));
    }
    for (int i = 0; i < used.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (used.get(i).getValue().equals(used.get(j).getValue())) {
          String key = used.get(i).getKey();
          throw new ConfigProblem(key, used.get(i).getValue() + " is also " + used.get(j).getKey()
              + "; each service needs its own port" + v.where(key));
        }
      }
    }
  }

  static String normalizeZookeeper(String raw, String where) throws ConfigProblem {
    String s = raw.strip();
    if (s.isEmpty()) {
      throw new ConfigProblem(ZOOKEEPER, "is empty; " + ZK_FORMAT + where);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      throw new ConfigProblem(ZOOKEEPER, "'" + s + "' has a chroot suffix '" + s.substring(slash)
          + "', which is not supported: the cluster lives under /mainstay/<cluster.id>, so set cluster.id to"
          + " separate clusters sharing a quorum" + where);
    }
    List<String> entries = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new ConfigProblem(ZOOKEEPER, "'" + s + "' has an empty entry; " + ZK_FORMAT + where);
      }
      String host;
      String port;
      if (p.startsWith("[")) {
        int close = p.indexOf(']');
        if (close < 0 || close + 1 >= p.length() || p.charAt(close + 1) != ':') {
          throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' is not [ipv6-address]:port; " + ZK_FORMAT + where);
        }
        host = p.substring(1, close);
        port = p.substring(close + 2);
        if (!IPV6_PATTERN.matcher(host).matches()) {
          throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' has an invalid IPv6 address '" + host + "'" + where);
        }
      } else {
        int colon = p.lastIndexOf(':');
        if (colon < 0) {
          throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' has no port; " + ZK_FORMAT + where);
        }
        host = p.substring(0, colon);
        port = p.substring(colon + 1);
        if (host.isEmpty()) {
          throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' has no host; " + ZK_FORMAT + where);
        }
        if (host.indexOf(':') >= 0) {
          throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' is not host:port (write IPv6 addresses as"
              + " [address]:port); " + ZK_FORMAT + where);
        }
        if (!HOST_NAME_PATTERN.matcher(host).matches()) {
          throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' has an invalid host '" + host + "'; " + ZK_FORMAT
              + where);
        }
      }
      int portNumber = -1;
      if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        portNumber = Integer.parseInt(port);
      }
      if (portNumber < 1 || portNumber > 65535) {
        throw new ConfigProblem(ZOOKEEPER, "entry '" + p + "' has an invalid port '" + port + "'; use 1..65535"
            + where);
      }
      entries.add(p.startsWith("[") ? "[" + host + "]:" + portNumber : host + ":" + portNumber);
    }
    return String.join(",", entries);
  }

  private static boolean pointsAtEmbedded(String zookeeper, int zkPort, String nodeHost, String nodeName) {
    for (String entry : zookeeper.split(",")) {
      int colon = entry.lastIndexOf(':');
      String host = entry.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(entry.substring(colon + 1));
      if (port == zkPort && (host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1")
          || host.equalsIgnoreCase(nodeHost) || host.equalsIgnoreCase(nodeName))) {
        return true;
      }
    }
    return false;
  }

  private static void checkName(String key, String value, Pattern pattern, int max, String where)
      throws ConfigProblem {
    if (!pattern.matcher(value).matches() || value.equals(".") || value.equals("..")) {
      throw new ConfigProblem(key, "'" + value + "' is not allowed; use 1.." + max
          + " characters from A-Z a-z 0-9 . _ - (not '.' or '..')" + where);
    }
  }

  private static String checkHost(String value, String where) throws ConfigProblem {
    String host = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
    if (host.isEmpty()) {
      throw new ConfigProblem(NODE_HOST, "is empty; set the host name or IP address other nodes reach this node on"
          + where);
    }
    boolean ok = host.indexOf(':') >= 0 ? IPV6_PATTERN.matcher(host).matches() : HOST_NAME_PATTERN.matcher(host).matches();
    if (!ok) {
      throw new ConfigProblem(NODE_HOST, "'" + value + "' is not a host name or IP address" + where);
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
      throw new ConfigProblem(NODE_HOST, "'" + value + "' is a wildcard address other nodes cannot reach; set the"
          + " address they should use" + where);
    }
    return host;
  }

  private static Path localPath(String raw, Path baseDir, String where) throws ConfigProblem {
    if (raw.isBlank()) {
      throw new ConfigProblem(PATHS_LOCAL, "is empty; set the directory for this node's local data" + where);
    }
    Path p;
    try {
      p = Path.of(raw.strip());
    } catch (InvalidPathException e) {
      throw new ConfigProblem(PATHS_LOCAL, "'" + raw + "' is not a valid path: " + e.getReason() + where);
    }
    if (!p.isAbsolute()) {
      p = baseDir.resolve(p);
    }
    p = p.toAbsolutePath().normalize();
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new ConfigProblem(PATHS_LOCAL, p + " exists but is not a directory" + where);
    }
    if (!Files.isDirectory(p)) {
      try {
        Files.createDirectories(p);
      } catch (IOException | SecurityException e) {
        throw new ConfigProblem(PATHS_LOCAL, "cannot create directory " + p + ": " + describe(e) + where, e);
      }
    }
    try {
      Path probe = Files.createTempFile(p, ".mainstay-write-check-", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new ConfigProblem(PATHS_LOCAL, "directory " + p + " is not writable: " + describe(e) + where, e);
    }
    return p;
  }

  // --- defaults from the machine ---------------------------------------------------------------------------

  private static String defaultNodeName() {
    String name = null;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException | SecurityException e) {
      // fall back below
    }
    if (name == null || name.isBlank()) {
      name = System.getenv("HOSTNAME");
    }
    if (name == null || name.isBlank()) {
      return "localhost";
    }
    String clean = name.strip().replaceAll("[^A-Za-z0-9._-]", "-");
    if (clean.length() > 128) {
      clean = clean.substring(0, 128);
    }
    return clean.equals(".") || clean.equals("..") ? "localhost" : clean;
  }

  private static String defaultNodeHost() {
    try {
      String address = InetAddress.getLocalHost().getHostAddress();
      if (address != null && !address.isBlank()) {
        int zone = address.indexOf('%');
        return zone >= 0 ? address.substring(0, zone) : address;
      }
    } catch (IOException | SecurityException e) {
      // fall back below
    }
    return "127.0.0.1";
  }

  // --- errors ----------------------------------------------------------------------------------------------

  /** A parse / resolve / IO error of the file itself: key {@code mainstay.conf}, one line, with the line number. */
  private static ConfigProblem fileProblem(ConfigException e, String fileLabel) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    ConfigOrigin origin = e.origin();
    StringBuilder detail = new StringBuilder();
    if (e instanceof ConfigException.UnresolvedSubstitution) { // a subclass of Parse: test it first
      detail.append("unresolved substitution");
    } else if (e instanceof ConfigException.Parse) {
      detail.append("syntax error");
    } else if (e instanceof ConfigException.IO) {
      detail.append("cannot read");
    } else {
      detail.append("invalid configuration");
    }
    if (origin != null) {
      String prefix = origin.description() + ": ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
      if (origin.lineNumber() > 0) {
        detail.append(" at line ").append(origin.lineNumber());
      }
      String originFile = origin.filename();
      if (originFile != null && !originFile.equals(fileLabel)) {
        detail.append(" of ").append(originFile);
      }
    }
    // Typesafe Config calls the missing '}' of an object a "close parentheses ')'"; say what to type.
    message = message.replace("expecting a close parentheses ')'", "expecting a close brace '}'");
    detail.append(": ").append(message);
    if (fileLabel != null) {
      detail.append(" (").append(fileLabel).append(')');
    }
    return new ConfigProblem(FILE_NAME, detail.toString(), e);
  }

  private static String describe(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "a file is in the way at " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  static String describe(ConfigValue value) {
    if (value == null) {
      return "nothing";
    }
    String rendered;
    switch (value.valueType()) {
      case STRING -> rendered = String.valueOf(value.unwrapped());
      case NULL -> rendered = "null";
      default -> rendered = value.render(com.typesafe.config.ConfigRenderOptions.concise());
    }
    rendered = ConfigProblem.oneLine(rendered);
    if (rendered.length() > 60) {
      rendered = rendered.substring(0, 57) + "...";
    }
    return value.valueType() + " '" + rendered + "'";
  }

  static int line(ConfigValue value) {
    return value == null || value.origin() == null ? -1 : value.origin().lineNumber();
  }

  static String where(ConfigValue value) {
    int line = line(value);
    return line > 0 ? " (line " + line + ")" : "";
  }

  // --- typed reads -----------------------------------------------------------------------------------------

  /** Typed, defaulted reads whose errors say what was expected and what was found. */
  private static final class Values {
    private final Config c;

    Values(Config c) {
      this.c = c;
    }

    ConfigValue value(String path) {
      return c.hasPath(path) ? c.getValue(path) : null;
    }

    String where(String path) {
      return NodeConfigLoader.where(value(path));
    }

    boolean bool(String path, boolean dflt) throws ConfigProblem {
      ConfigValue v = value(path);
      if (v == null) {
        return dflt;
      }
      if (v.valueType() == ConfigValueType.BOOLEAN) {
        return (Boolean) v.unwrapped();
      }
      if (v.valueType() == ConfigValueType.STRING) {
        switch (((String) v.unwrapped()).strip().toLowerCase()) {
          case "true", "yes", "on" -> {
            return true;
          }
          case "false", "no", "off" -> {
            return false;
          }
          default -> { }
        }
      }
      throw new ConfigProblem(path, "expected true or false, got " + describe(v) + NodeConfigLoader.where(v));
    }

    long longValue(String path, long dflt) throws ConfigProblem {
      ConfigValue v = value(path);
      if (v == null) {
        return dflt;
      }
      if (v.valueType() == ConfigValueType.NUMBER) {
        Number n = (Number) v.unwrapped();
        if (n instanceof Double || n instanceof Float) {
          double d = n.doubleValue();
          if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw new ConfigProblem(path, "expected a whole number, got " + describe(v) + NodeConfigLoader.where(v));
          }
        }
        return n.longValue();
      }
      if (v.valueType() == ConfigValueType.STRING) {
        try {
          return Long.parseLong(((String) v.unwrapped()).strip());
        } catch (NumberFormatException e) {
          // fall through
        }
      }
      throw new ConfigProblem(path, "expected a number, got " + describe(v) + NodeConfigLoader.where(v));
    }

    int integer(String path, int dflt) throws ConfigProblem {
      long l = longValue(path, dflt);
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw new ConfigProblem(path, l + " is out of range" + where(path));
      }
      return (int) l;
    }

    int port(String path, int dflt, boolean zeroAllowed) throws ConfigProblem {
      long p = longValue(path, dflt);
      int min = zeroAllowed ? 0 : 1;
      if (p < min || p > 65535) {
        throw new ConfigProblem(path, p + " is out of range; use " + min + "..65535"
            + (zeroAllowed ? " (0 = any free port)" : "") + where(path));
      }
      return (int) p;
    }

    /** Milliseconds as a number, or a HOCON duration string such as "30s". */
    Duration millis(String path, long dfltMillis) throws ConfigProblem {
      ConfigValue v = value(path);
      if (v == null) {
        return Duration.ofMillis(dfltMillis);
      }
      if (v.valueType() == ConfigValueType.NUMBER || v.valueType() == ConfigValueType.STRING) {
        if (v.valueType() == ConfigValueType.NUMBER) {
          return Duration.ofMillis(longValue(path, dfltMillis));
        }
        try {
          return c.getDuration(path);
        } catch (ConfigException e) {
          // fall through
        }
      }
      throw new ConfigProblem(path, "expected milliseconds (e.g. 10000) or a duration (e.g. \"10s\"), got "
          + describe(v) + NodeConfigLoader.where(v));
    }

    String string(String path, String dflt) throws ConfigProblem {
      ConfigValue v = value(path);
      if (v == null) {
        return dflt;
      }
      switch (v.valueType()) {
        case STRING, NUMBER, BOOLEAN -> {
          return String.valueOf(v.unwrapped());
        }
        default -> throw new ConfigProblem(path, "expected a string, got " + describe(v) + NodeConfigLoader.where(v));
      }
    }
  }
}
