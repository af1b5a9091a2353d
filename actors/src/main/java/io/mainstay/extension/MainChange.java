package io.mainstay.extension;

/** What a coordinator service is told about the active main, as ZooKeeper publishes it. */
public sealed interface MainChange {

  /**
   * A main serves at {@code epoch}; {@code here}: it is this node.
   *
   * @param webUrl where its HTTP API answers, for clients sent there
   */
  record Serving(String node, long epoch, String webUrl, boolean here) implements MainChange {}

  /** No main is published (between a main's end and its successor's takeover). */
  record Vacant() implements MainChange {}
}
