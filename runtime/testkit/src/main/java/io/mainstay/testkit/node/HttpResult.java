package io.mainstay.testkit.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One HTTP exchange with a node. A node that is down, frozen or slow gives {@link #NO_ANSWER}
 * rather than an exception, so polling loops can simply ask again.
 *
 * @param status the HTTP status, or {@link #NO_ANSWER}
 * @param body   the response body, or why there was no answer
 */
public record HttpResult(int status, String body) {

  public static final int NO_ANSWER = -1;

  private static final ObjectMapper JSON = new ObjectMapper();

  public boolean answered() {
    return status != NO_ANSWER;
  }

  /** The body parsed as JSON; fails when the node answered something else. */
  public JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON (status " + status + "): " + body, e);
    }
  }
}
