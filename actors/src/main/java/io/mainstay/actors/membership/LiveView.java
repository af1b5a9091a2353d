package io.mainstay.actors.membership;

import io.mainstay.actors.coordination.NodeRecord;
import java.util.List;
import java.util.Set;

/**
 * What ZooKeeper says about membership, as this node last heard it: the live nodes, every Pekko address
 * ever listed (a member whose record vanished must still be downed), and the main's epoch, for the log.
 */
public record LiveView(List<NodeRecord> nodes, Set<String> seen, long epoch) {

  public static final LiveView EMPTY = new LiveView(List.of(), Set.of(), 0);
}
