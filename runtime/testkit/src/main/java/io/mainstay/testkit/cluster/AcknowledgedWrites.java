package io.mainstay.testkit.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catalog writes and what became of them. Mainstay promises that nothing a main acknowledged with a
 * 2xx is ever lost across a failover, so every acknowledgement is recorded with who gave it, at which
 * epoch and when, to be checked against the final main afterwards; refusals and timeouts are recorded
 * too (such a write may exist, but only whole). Safe to use from several threads.
 */
public final class AcknowledgedWrites {

  /** A 2xx answer: {@code node} said {@code name} is durable at {@code version} under {@code epoch}. */
  public record Ack(String name, String document, String node, long version, long epoch, long sentAtNanos,
      long answeredAtNanos) {}

  /** Anything else: a refusal (status) or no answer ({@link HttpResult#NO_ANSWER}); the write may or may not exist. */
  public record Miss(String name, String document, String node, int status, String answer) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last acknowledged write of each name. */
  private final Map<String, Ack> acks = new ConcurrentHashMap<>();
  private final Map<String, Miss> misses = new ConcurrentHashMap<>();

  /** A small document naming {@code name} and {@code round}, so every write of a name differs. */
  public static String document(String name, int round) {
    return JSON.createObjectNode().put("name", name).put("round", round).put("padding", "x".repeat(200)).toString();
  }

  /** PUTs {@code document} as {@code name} on {@code node} and records the answer; returns it, whatever it is. */
  public HttpResult put(MainstayNodeProcess node, String name, String document) {
    long sent = System.nanoTime();
    HttpResult result = node.http().put(name, document);
    long answered = System.nanoTime();
    if (result.status() / 100 == 2) {
      JsonNode body = result.json();
      if (!name.equals(body.path("name").textValue()) || body.path("version").asLong(-1) < 1) {
        throw new AssertionError("acknowledgement of " + name + " without its name or a version: " + result.body());
      }
      acks.put(name, new Ack(name, document, node.name(), body.path("version").asLong(), body.path("epoch").asLong(-1),
          sent, answered));
    } else {
      misses.put(name, new Miss(name, document, node.name(), result.status(), result.body()));
    }
    return result;
  }

  /**
   * PUTs until acknowledged. For a main meant to be stable: a loaded machine may starve its ZooKeeper
   * client long enough to fence it for a moment (503 until the connection is back), and availability is
   * not what the caller is about.
   */
  public void putAcknowledged(MainstayNodeProcess node, String name, String document) {
    Await.until("PUT " + name + " on " + node + " to be acknowledged", Await.GENEROUS, () -> {
      HttpResult result = put(node, name, document);
      if (result.status() != 200) {
        throw new AssertionError(result.status() + " " + result.body());
      }
      return true;
    });
  }

  public int size() {
    return acks.size();
  }

  /** The last acknowledged write of {@code name}; null if none was. */
  public Ack ack(String name) {
    return acks.get(name);
  }

  public Map<String, Ack> acks() {
    return Map.copyOf(acks);
  }

  public Map<String, Miss> misses() {
    return Map.copyOf(misses);
  }

  /** How many writes {@code node} acknowledged; all nodes' when null. */
  public long ackCount(String node) {
    return node == null ? acks.size() : acks.values().stream().filter(a -> a.node().equals(node)).count();
  }

  /** The acknowledged writes missing from {@code stored} (name to version) or stored older, as "name v3 (found v2)". */
  public List<String> lostIn(Map<String, Long> stored) {
    List<String> lost = new ArrayList<>();
    new TreeMap<>(acks).forEach((name, ack) -> {
      Long found = stored.get(name);
      if (found == null || found < ack.version()) {
        lost.add(name + " v" + ack.version() + (found == null ? " (missing)" : " (found v" + found + ")"));
      }
    });
    return lost;
  }

  /** Every acknowledged entry is served by {@code node} with the acknowledged version and document, and listed. */
  public void assertAllServedBy(MainstayNodeProcess node) {
    Set<String> listed = new HashSet<>();
    HttpResult list = node.http().list();
    check(list.status() == 200, "catalog list on " + node + ": " + list.status() + " " + list.body());
    list.json().path("entries").forEach(entry -> listed.add(entry.path("name").textValue()));
    acks.forEach((name, ack) -> {
      HttpResult got = node.http().get(name);
      check(got.status() == 200, "acknowledged entry " + name + " on " + node + ": " + got.status() + " " + got.body());
      check(ack.version() == got.json().path("version").asLong(-1), "version of " + name + ": " + got.body());
      check(parse(ack.document()).equals(got.json().path("document")), "document of " + name + ": " + got.body());
      check(listed.contains(name), name + " missing from the catalog list: " + list.body());
    });
  }

  /** The stored versions by name, from the catalog list {@code node} serves; null unless it answers 200. */
  public static Map<String, Long> storedVersions(MainstayNodeProcess node) {
    HttpResult list = node.http().list();
    if (list.status() != 200) {
      return null;
    }
    Map<String, Long> versions = new TreeMap<>();
    list.json().path("entries").forEach(e -> versions.put(e.path("name").asText(), e.path("version").asLong(-1)));
    return versions;
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
