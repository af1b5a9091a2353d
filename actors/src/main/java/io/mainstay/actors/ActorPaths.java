package io.mainstay.actors;

/**
 * Where Mainstay's well-known actors live on every node, so that a node can address another from the
 * Pekko address in its ZooKeeper record: the supervisor is the guardian ({@code /user}).
 */
public final class ActorPaths {

  public static final String MAIN = "main";
  public static final String REGISTRY = "executors";
  public static final String EXECUTOR = "executor";
  public static final String GATEWAY = "gateway";

  private ActorPaths() {}

  public static String registry(String pekkoAddress) {
    return pekkoAddress + "/user/" + MAIN + "/" + REGISTRY;
  }

  public static String gateway(String pekkoAddress) {
    return pekkoAddress + "/user/" + GATEWAY;
  }

  public static String executor(String pekkoAddress) {
    return pekkoAddress + "/user/" + EXECUTOR;
  }
}
