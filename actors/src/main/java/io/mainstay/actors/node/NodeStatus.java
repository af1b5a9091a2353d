package io.mainstay.actors.node;

import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import java.util.List;
import java.util.Optional;

/** A node's view of itself and of the cluster, for /ping and /api/v1/cluster. */
public record NodeStatus(
    String node, NodeRole role, long epoch, Optional<MainRecord> main, List<NodeRecord> nodes) {

  public boolean servingAsMain() {
    return role == NodeRole.MAIN;
  }
}
