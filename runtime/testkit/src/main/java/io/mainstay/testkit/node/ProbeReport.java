package io.mainstay.testkit.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer to {@code POST /api/v1/probe}: on the main 200 with the epoch and one line per registered
 * executor ({@code node, roundTripMs} and {@code result} or {@code error}); elsewhere 503 with the main's URL.
 */
public record ProbeReport(int status, JsonNode json) {

  static ProbeReport of(HttpResult result) {
    return new ProbeReport(result.status(), result.answered() ? result.json() : MissingNode.getInstance());
  }

  /** The epoch of the main that sent the probe; -1 when absent. */
  public long epoch() {
    return json.path("epoch").asLong(-1);
  }

  /** Each executor's answer line, by node name. */
  public Map<String, JsonNode> answers() {
    Map<String, JsonNode> byNode = new TreeMap<>();
    json.path("executors").forEach(answer -> byNode.put(answer.path("node").textValue(), answer));
    return byNode;
  }

  /** The main's URL in a 503 from a node that is not the main; null otherwise. */
  public String main() {
    return json.path("main").textValue();
  }
}
