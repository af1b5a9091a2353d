package io.mainstay.testkit.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * A coordinator's answer to {@code GET /api/v1/cluster}: the main as ZooKeeper publishes it, the
 * standbys, and the executors as the main's registry knows them (or {@code executorsError} saying why
 * the registry did not answer). {@link HttpResult#NO_ANSWER} when the node is down.
 */
public record ClusterStatus(int status, JsonNode json) {

  static ClusterStatus of(HttpResult result) {
    return new ClusterStatus(result.status(), result.answered() ? result.json() : MissingNode.getInstance());
  }

  public boolean answered() {
    return status != HttpResult.NO_ANSWER;
  }

  /** The answering node's own role ({@code main}, {@code standby}, ...); null without one. */
  public String role() {
    return json.path("role").textValue();
  }

  /** The published main's node name; null while none is published. */
  public String mainNode() {
    return json.path("main").path("node").textValue();
  }

  /** The published main's Pekko address; null while none is published. */
  public String mainAddress() {
    return json.path("main").path("address").textValue();
  }

  /** The published main's epoch; -1 while none is published. */
  public long mainEpoch() {
    return json.path("main").path("epoch").asLong(-1);
  }

  /**
   * The registered executors by node name, each as listed ({@code node, address, slots, epoch, state,
   * lastHeartbeat}); empty when the main's registry has none or did not answer.
   */
  public Map<String, JsonNode> executors() {
    Map<String, JsonNode> byNode = new TreeMap<>();
    json.path("executors").forEach(executor -> byNode.put(executor.path("node").textValue(), executor));
    return byNode;
  }

  /** The epoch of every registered executor, by node name. */
  public Map<String, Long> executorEpochs() {
    Map<String, Long> epochs = new TreeMap<>();
    executors().forEach((node, executor) -> epochs.put(node, executor.path("epoch").asLong(-1)));
    return epochs;
  }

  /** Why the executors are missing (the main's registry did not answer); null when they are not. */
  public String executorsError() {
    return json.path("executorsError").textValue();
  }
}
