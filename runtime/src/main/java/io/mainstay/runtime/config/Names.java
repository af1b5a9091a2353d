package io.mainstay.runtime.config;

import java.util.regex.Pattern;

/** What ids, host names and addresses in {@code mainstay.conf} may look like. */
final class Names {

  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

  private Names() {}

  static boolean isHostName(String s) {
    return HOST_NAME.matcher(s).matches();
  }

  static boolean isIpv6(String s) {
    return IPV6.matcher(s).matches();
  }

  /**
   * An id that becomes a ZooKeeper path segment ({@code cluster.id}, {@code node.name}): 1..max of
   * {@code A-Z a-z 0-9 . _ -}, and not {@code .} or {@code ..}.
   */
  static String id(String key, String value, int max, String where) throws ConfigProblem {
    if (!Pattern.matches("[A-Za-z0-9._-]{1," + max + "}", value) || value.equals(".") || value.equals("..")) {
      throw new ConfigProblem(key, "'" + value + "' is not allowed; use 1.." + max
          + " characters from A-Z a-z 0-9 . _ - (not '.' or '..')" + where);
    }
    return value;
  }

  /** {@code node.host}: a host name or an IP address other nodes can reach, returned without IPv6 brackets. */
  static String host(String key, String value, String where) throws ConfigProblem {
    String stripped = value.strip();
    String host = stripped.startsWith("[") && stripped.endsWith("]")
        ? stripped.substring(1, stripped.length() - 1) : stripped;
    if (host.isEmpty()) {
      throw new ConfigProblem(key, "is empty; set the host name or IP address other nodes reach this node on"
          + where);
    }
    if (!(host.indexOf(':') >= 0 ? isIpv6(host) : isHostName(host))) {
      throw new ConfigProblem(key, "'" + stripped + "' is not a host name or IP address" + where);
    }
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
      throw new ConfigProblem(key, "'" + stripped + "' is a wildcard address other nodes cannot reach; set the"
          + " address they should use" + where);
    }
    return host;
  }
}
