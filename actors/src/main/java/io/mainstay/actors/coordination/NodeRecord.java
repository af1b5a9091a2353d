package io.mainstay.actors.coordination;

import java.util.Set;

/**
 * A live node as registered in ZooKeeper under {@code nodes/<name>}.
 *
 * @param process the process holding the record, or null when it did not say
 */
public record NodeRecord(String node, Set<String> roles, String pekkoAddress, String webUrl, ProcessIdentity process) {

  public static final String COORDINATOR = "coordinator";
  /** May become main; on the wire it keeps dremio's name for the role, as dremio.conf does. */
  public static final String MAIN_ELIGIBLE = "master";
  public static final String EXECUTOR = "executor";

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
