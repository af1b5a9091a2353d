package io.mainstay.actors.node;

import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.coordination.ProcessIdentity;
import java.nio.file.Path;
import java.util.Set;

/**
 * Who this node is and what it may do: the slice of the configuration the actors need.
 *
 * @param localPath {@code paths.local}: the shared volume the main's store lives on, and the executor's probed disk
 * @param slots how many fragments this node's executor runs at once
 * @param process this process, as its ZooKeeper record names it
 */
public record NodeIdentity(
    String name,
    String host,
    String webUrl,
    String pekkoAddress,
    Set<String> roles,
    Path localPath,
    int slots,
    ProcessIdentity process) {

  public boolean mainEligible() {
    return roles.contains(NodeRecord.MAIN_ELIGIBLE);
  }

  public boolean coordinator() {
    return roles.contains(NodeRecord.COORDINATOR);
  }

  public boolean executor() {
    return roles.contains(NodeRecord.EXECUTOR);
  }

  /** How this process names itself in the store lock file, for whoever waits for the lock. */
  public String lockOwner() {
    return name + " pid " + process.pid() + "@" + host;
  }

  public NodeRecord record() {
    return new NodeRecord(name, roles, pekkoAddress, webUrl, process);
  }
}
