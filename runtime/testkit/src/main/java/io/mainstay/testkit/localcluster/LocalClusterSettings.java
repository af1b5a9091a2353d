package io.mainstay.testkit.localcluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local cluster is built from: each {@code MAINSTAY_LOCAL_*} variable if set, else the value
 * {@code up} recorded in the work dir's {@code settings}, else the default. Reusing the recorded values
 * makes a later command rebuild the same cluster rather than one on the defaults (a coordinator on
 * another web port, a node pointing at another ZooKeeper port).
 *
 * @param webPort web port of coord-1; coordinator N uses {@code webPort + N - 1}
 */
record LocalClusterSettings(int zooKeeperPort, int webPort, int sessionMs, int executors) {

  static final String ZK_PORT = "MAINSTAY_LOCAL_ZK_PORT";
  static final String WEB_PORT = "MAINSTAY_LOCAL_WEB_PORT";
  static final String SESSION_MS = "MAINSTAY_LOCAL_SESSION_MS";
  static final String EXECUTORS = "MAINSTAY_LOCAL_EXECUTORS";
  static final int COORDINATORS = 2;

  private static final Map<String, String> DEFAULTS =
      Map.of(ZK_PORT, "2191", WEB_PORT, "9047", SESSION_MS, "2000", EXECUTORS, "2");

  /** From the environment, then the recorded settings, then the defaults; fails on a value that is not a whole number. */
  static LocalClusterSettings of(Map<String, String> env, Map<String, String> recorded) {
    return new LocalClusterSettings(
        number(ZK_PORT, env, recorded), number(WEB_PORT, env, recorded),
        number(SESSION_MS, env, recorded), number(EXECUTORS, env, recorded));
  }

  /** The values as {@code up} records them. */
  Map<String, String> asMap() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(ZK_PORT, Integer.toString(zooKeeperPort));
    values.put(WEB_PORT, Integer.toString(webPort));
    values.put(SESSION_MS, Integer.toString(sessionMs));
    values.put(EXECUTORS, Integer.toString(executors));
    return values;
  }

  LocalClusterSettings withZooKeeperPort(int port) {
    return new LocalClusterSettings(port, webPort, sessionMs, executors);
  }

  /** The nodes up starts, in start order: coordinators first, so the executors find a main at once. */
  List<String> nodes() {
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= COORDINATORS; i++) {
      nodes.add(NodeName.coordinator(i));
    }
    for (int i = 1; i <= executors; i++) {
      nodes.add(NodeName.executor(i));
    }
    return nodes;
  }

  private static int number(String name, Map<String, String> env, Map<String, String> recorded) {
    String value = env.getOrDefault(name, "");
    if (value.isEmpty()) {
      value = recorded.getOrDefault(name, "");
    }
    if (value.isEmpty()) {
      value = DEFAULTS.get(name);
    }
    if (!value.matches("[0-9]{1,9}")) {
      throw new LocalClusterException(name + " must be a whole number, got '" + value + "'");
    }
    return Integer.parseInt(value);
  }
}
