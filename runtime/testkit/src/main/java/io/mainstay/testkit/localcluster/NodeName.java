package io.mainstay.testkit.localcluster;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The local cluster's node names, {@code coord-N} and {@code exec-N}, and what bin/mainstay calls them. */
final class NodeName {

  private static final Pattern NAME = Pattern.compile("(coord|exec)-([0-9]{1,9})");

  /** Coordinators first, then executors, each by number. */
  static final Comparator<String> ORDER = Comparator.comparing(NodeName::isExecutor)
      .thenComparingInt(NodeName::number);

  private NodeName() {}

  static String coordinator(int n) {
    return "coord-" + n;
  }

  static String executor(int n) {
    return "exec-" + n;
  }

  static boolean isNode(String name) {
    return NAME.matcher(name).matches();
  }

  static boolean isExecutor(String name) {
    return name.startsWith("exec-");
  }

  /** N of coord-N or exec-N. */
  static int number(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a node name: " + name);
    }
    return Integer.parseInt(m.group(2));
  }

  /** bin/mainstay's instance name of the node whose conf dir is nodes/{@code name}. */
  static String instance(String name) {
    return "mainstay-" + name;
  }
}
