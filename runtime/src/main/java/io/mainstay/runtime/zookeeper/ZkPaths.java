package io.mainstay.runtime.zookeeper;

/** Where Mainstay keeps its facts in ZooKeeper, under {@code /mainstay/<cluster.id>}. */
public record ZkPaths(String root) {

  public String election() {
    return root + "/election";
  }

  /** Persistent: the highest epoch ever taken. */
  public String epoch() {
    return root + "/epoch";
  }

  /** Ephemeral: the active main. */
  public String main() {
    return root + "/main";
  }

  /** Held while a node registers and joins the Pekko Cluster. */
  public String joinLock() {
    return root + "/join-lock";
  }

  public String nodes() {
    return root + "/nodes";
  }

  public String node(String name) {
    return nodes() + "/" + name;
  }
}
