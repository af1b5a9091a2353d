package io.mainstay.actors.coordination;

/** Another live node is registered under this node's name. */
public final class NodeNameInUseException extends Exception {

  private static final long serialVersionUID = 1L;

  public NodeNameInUseException(String node, String path) {
    super("node.name '" + node + "' is already in use by a live node (" + path + " exists in ZooKeeper)");
  }
}
