package io.mainstay.actors.node;

import io.mainstay.actors.coordination.NodeRecord;
import java.nio.file.Path;
import java.util.Set;

/**
 * Who this node is and what it may do: the slice of the configuration the actors need.
 *
 * @param storeDir the shared volume ({@code paths.local}) that the main's store lives on
 * @param slots how many fragments this node's executor runs at once
 */
public record NodeIdentity(
    String name, String host, String webUrl, String pekkoAddress, Set<String> roles, Path storeDir, int slots) {

  public boolean masterEligible() {
    return roles.contains(NodeRecord.MASTER);
  }

  public boolean coordinator() {
    return roles.contains(NodeRecord.COORDINATOR);
  }

  public boolean executor() {
    return roles.contains(NodeRecord.EXECUTOR);
  }

  public NodeRecord record() {
    return new NodeRecord(name, roles, pekkoAddress, webUrl);
  }
}
