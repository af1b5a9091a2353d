package io.mainstay.testkit.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * A node's answer to {@code GET /ping}: 200 with role {@code main} on the main, 503 with role
 * {@code standby} and the main's URL (or null) elsewhere, {@link HttpResult#NO_ANSWER} when down.
 */
public record Ping(int status, JsonNode json) {

  public static final String MAIN = "main";
  public static final String STANDBY = "standby";

  public static Ping of(HttpResult result) {
    return new Ping(result.status(), result.answered() ? result.json() : MissingNode.getInstance());
  }

  public boolean answered() {
    return status != HttpResult.NO_ANSWER;
  }

  /** 200 with role main: this node serves as main. */
  public boolean isMain() {
    return status == 200 && MAIN.equals(role());
  }

  /** {@code main} or {@code standby}; null without an answer. */
  public String role() {
    return json.path("role").textValue();
  }

  public String node() {
    return json.path("node").textValue();
  }

  /** The epoch a main serves under; -1 when absent. */
  public long epoch() {
    return json.path("epoch").asLong(-1);
  }

  /** The main's URL as a standby knows it; null when it knows none. */
  public String main() {
    return json.path("main").textValue();
  }
}
