package io.mainstay.runtime.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code zookeeper} key: a comma list of {@code host:port} (IPv6 as {@code [addr]:port}). A chroot
 * suffix ({@code host:port/path}) is refused: the cluster already lives under
 * {@code /mainstay/<cluster.id>}, so {@code cluster.id} is what separates clusters sharing a quorum.
 */
final class ZooKeeperConnectString {

  static final String KEY = NodeConfigLoader.ZOOKEEPER;
  private static final String FORMAT = "expected host:port[,host:port...], e.g. \"zk1:2181,zk2:2181,zk3:2181\"";

  private ZooKeeperConnectString() {}

  /** The entries trimmed and checked, joined again with commas. */
  static String normalize(String raw, String where) throws ConfigProblem {
    String s = raw.strip();
    if (s.isEmpty()) {
      throw new ConfigProblem(KEY, "is empty; " + FORMAT + where);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      throw new ConfigProblem(KEY, "'" + s + "' has a chroot suffix '" + s.substring(slash)
          + "', which is not supported: the cluster lives under /mainstay/<cluster.id>, so set cluster.id to"
          + " separate clusters sharing a quorum" + where);
    }
    List<String> entries = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new ConfigProblem(KEY, "'" + s + "' has an empty entry; " + FORMAT + where);
      }
      entries.add(entry(p, where));
    }
    return String.join(",", entries);
  }

  private static String entry(String p, String where) throws ConfigProblem {
    String host;
    String port;
    if (p.startsWith("[")) {
      int close = p.indexOf(']');
      if (close < 0 || close + 1 >= p.length() || p.charAt(close + 1) != ':') {
        throw new ConfigProblem(KEY, "entry '" + p + "' is not [ipv6-address]:port; " + FORMAT + where);
      }
      host = p.substring(1, close);
      port = p.substring(close + 2);
      if (!Names.isIpv6(host)) {
        throw new ConfigProblem(KEY, "entry '" + p + "' has an invalid IPv6 address '" + host + "'" + where);
      }
    } else {
      int colon = p.lastIndexOf(':');
      if (colon < 0) {
        throw new ConfigProblem(KEY, "entry '" + p + "' has no port; " + FORMAT + where);
      }
      host = p.substring(0, colon);
      port = p.substring(colon + 1);
      if (host.isEmpty()) {
        throw new ConfigProblem(KEY, "entry '" + p + "' has no host; " + FORMAT + where);
      }
      if (host.indexOf(':') >= 0) {
        throw new ConfigProblem(KEY, "entry '" + p + "' is not host:port (write IPv6 addresses as"
            + " [address]:port); " + FORMAT + where);
      }
      if (!Names.isHostName(host)) {
        throw new ConfigProblem(KEY, "entry '" + p + "' has an invalid host '" + host + "'; " + FORMAT + where);
      }
    }
    int portNumber = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
    if (portNumber < 1 || portNumber > 65535) {
      throw new ConfigProblem(KEY, "entry '" + p + "' has an invalid port '" + port + "'; use 1..65535" + where);
    }
    return p.startsWith("[") ? "[" + host + "]:" + portNumber : host + ":" + portNumber;
  }

  /** Whether a normalized connect string includes a server on {@code port} of this very node. */
  static boolean includesThisNode(String normalized, int port, String nodeHost, String nodeName) {
    for (String entry : normalized.split(",")) {
      int colon = entry.lastIndexOf(':');
      String host = entry.substring(0, colon).replace("[", "").replace("]", "");
      if (Integer.parseInt(entry.substring(colon + 1)) == port
          && (host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1")
              || host.equalsIgnoreCase(nodeHost) || host.equalsIgnoreCase(nodeName))) {
        return true;
      }
    }
    return false;
  }
}
