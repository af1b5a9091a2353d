package io.mainstay.actors.coordination;

import java.util.Set;

/** A live node as registered in ZooKeeper under {@code nodes/<name>}. */
public record NodeRecord(String node, Set<String> roles, String pekkoAddress, String webUrl) {

  public static final String COORDINATOR = "coordinator";
  public static final String MASTER = "master";
  public static final String EXECUTOR = "executor";

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
