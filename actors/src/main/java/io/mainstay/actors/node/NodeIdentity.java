package io.mainstay.actors.node;

import io.mainstay.actors.coordination.NodeRecord;
import java.nio.file.Path;
import java.util.Set;

/**
 * Who this node is and what it may do: the slice of the configuration the actors need.
 *
 * @param storeDir the shared volume ({@code paths.local}) that the main's store lives on
 */
public record NodeIdentity(
    String name, String host, String webUrl, String pekkoAddress, Set<String> roles, Path storeDir) {

  public boolean masterEligible() {
    return roles.contains(NodeRecord.MASTER);
  }

  public boolean coordinator() {
    return roles.contains(NodeRecord.COORDINATOR);
  }

  public NodeRecord record() {
    return new NodeRecord(name, roles, pekkoAddress, webUrl);
  }
}
