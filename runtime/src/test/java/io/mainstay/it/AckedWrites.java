package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mainstay.testing.Await;
import io.mainstay.testing.HttpResult;
import io.mainstay.testing.MainstayNodeProcess;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catalog writes and the ones a main acknowledged with a 2xx: the issue promises that nothing
 * acknowledged is ever lost across a failover, so only those are checked afterwards. Safe to
 * write from one thread while another reads {@link #size()}.
 */
final class AckedWrites {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last acknowledged write of each name. */
  private final Map<String, Ack> acks = new ConcurrentHashMap<>();

  private record Ack(long version, JsonNode document) {}

  /**
   * PUTs a small document naming {@code name} and {@code round} (so every write of a name differs)
   * and records it if acknowledged. Returns the answer, whatever it is.
   */
  HttpResult put(MainstayNodeProcess node, String name, int round) {
    ObjectNode document = JSON.createObjectNode().put("name", name).put("round", round).put("padding", "x".repeat(200));
    HttpResult result = node.http().put(name, document.toString());
    if (result.status() / 100 == 2) {
      JsonNode body = result.json();
      assertEquals(name, body.path("name").textValue(), "acknowledgement of " + name + ": " + result.body());
      long version = body.path("version").asLong(-1);
      assertTrue(version >= 1, "acknowledgement without a version: " + result.body());
      acks.put(name, new Ack(version, document));
    }
    return result;
  }

  /**
   * PUTs until acknowledged. The main is meant to be stable here, but a loaded machine may starve its
   * ZooKeeper client long enough to fence it for a moment (503 until the connection is back), and
   * availability is not what these tests are about.
   */
  void putAcknowledged(MainstayNodeProcess node, String name, int round) {
    Await.until("PUT " + name + " on " + node + " to be acknowledged", Await.GENEROUS, () -> {
      HttpResult result = put(node, name, round);
      assertEquals(200, result.status(), result.body());
      return true;
    });
  }

  int size() {
    return acks.size();
  }

  /** Every acknowledged entry is served by {@code node} with the acknowledged version and document, and listed. */
  void assertAllServedBy(MainstayNodeProcess node) {
    Set<String> listed = new HashSet<>();
    HttpResult list = node.http().list();
    assertEquals(200, list.status(), "catalog list on " + node + ": " + list.body());
    list.json().path("entries").forEach(entry -> listed.add(entry.path("name").textValue()));
    acks.forEach((name, ack) -> {
      HttpResult got = node.http().get(name);
      assertEquals(200, got.status(), "acknowledged entry " + name + " on " + node + ": " + got.body());
      assertEquals(ack.version(), got.json().path("version").asLong(-1), "version of " + name + ": " + got.body());
      assertEquals(ack.document(), got.json().path("document"), "document of " + name);
      assertTrue(listed.contains(name), name + " missing from the catalog list: " + list.body());
    });
  }
}
