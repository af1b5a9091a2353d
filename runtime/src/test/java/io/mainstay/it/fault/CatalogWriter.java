package io.mainstay.it.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testing.Await;
import io.mainstay.testing.HttpResult;
import io.mainstay.testing.MainstayNodeProcess;
import io.mainstay.testing.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A steady stream of catalog PUTs to whoever is main, found through {@code /ping}. Every name is
 * written once ({@code w-<round>-<i>}), so an acknowledged write must be found at version 1 with
 * exactly its document. Records each 2xx acknowledgement and each refusal or timeout.
 */
final class CatalogWriter implements AutoCloseable {

  /** A 2xx answer: {@code node} said {@code name} is durable at {@code version} under {@code epoch}. */
  record Ack(String name, String body, String node, long version, long epoch, long sentAtNanos, long answeredAtNanos) {}

  /** Anything else: a refusal (status) or no answer ({@link HttpResult#NO_ANSWER}); the write may or may not exist. */
  record Miss(String name, String body, String node, int status, String answer) {}

  private static final Duration NO_MAIN_PAUSE = Duration.ofMillis(50);

  private final Supplier<List<MainstayNodeProcess>> candidates;
  private final Map<String, Ack> acks = new ConcurrentHashMap<>();
  private final Map<String, Miss> misses = new ConcurrentHashMap<>();
  private final AtomicReference<MainstayNodeProcess> target = new AtomicReference<>();
  private final AtomicInteger round = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /** @param candidates the nodes that may be main (asked in turn when the main is unknown) */
  CatalogWriter(Supplier<List<MainstayNodeProcess>> candidates) {
    this.candidates = candidates;
  }

  /** Starts {@code threadCount} writer threads. */
  CatalogWriter start(int threadCount) {
    running.set(true);
    for (int i = 0; i < threadCount; i++) {
      Thread thread = new Thread(this::loop, "catalog-writer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    return this;
  }

  /** Names written from now on are {@code w-<round>-<i>}. */
  void round(int r) {
    round.set(r);
  }

  /** Waits until {@code more} writes beyond the current count were acknowledged (by {@code node} if not null). */
  void awaitAcks(int more, MainstayNodeProcess node, Duration deadline) {
    long before = ackCount(node);
    Await.until(more + " more acknowledged writes" + (node == null ? "" : " from " + node.name()), deadline,
        () -> ackCount(node) >= before + more);
  }

  private long ackCount(MainstayNodeProcess node) {
    return node == null ? acks.size() : acks.values().stream().filter(a -> a.node().equals(node.name())).count();
  }

  /** Stops the threads and waits for their last request to be answered or time out. */
  void stop() {
    running.set(false);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while stopping the writer", e);
      }
      if (thread.isAlive()) {
        throw new AssertionError(thread.getName() + " did not stop");
      }
    }
    threads.clear();
  }

  @Override
  public void close() {
    running.set(false);
  }

  Map<String, Ack> acks() {
    return Map.copyOf(acks);
  }

  Map<String, Miss> misses() {
    return Map.copyOf(misses);
  }

  /** One PUT of a fresh name to {@code node}, recorded like the stream's; returns the answer. */
  HttpResult putOnce(MainstayNodeProcess node) {
    String name = nextName();
    return put(node, name, body(name));
  }

  private void loop() {
    while (running.get()) {
      MainstayNodeProcess main = target.get();
      if (main == null) {
        main = findMain();
        if (main == null) {
          pause();
          continue;
        }
        target.compareAndSet(null, main);
      }
      String name = nextName();
      HttpResult result = put(main, name, body(name));
      if (result.status() / 100 != 2) {
        target.compareAndSet(main, null);
        pause();
      }
    }
  }

  private HttpResult put(MainstayNodeProcess node, String name, String body) {
    long sent = System.nanoTime();
    HttpResult result = node.http().put(name, body);
    long answered = System.nanoTime();
    if (result.status() / 100 == 2) {
      JsonNode json = result.json();
      acks.put(name, new Ack(name, body, node.name(), json.path("version").asLong(-1), json.path("epoch").asLong(-1),
          sent, answered));
    } else {
      misses.put(name, new Miss(name, body, node.name(), result.status(), result.body()));
    }
    return result;
  }

  private MainstayNodeProcess findMain() {
    for (MainstayNodeProcess node : candidates.get()) {
      if (node.isAlive()) {
        Ping ping = node.ping();
        if (ping.status() == 200 && Ping.MAIN.equals(ping.role())) {
          return node;
        }
      }
    }
    return null;
  }

  private String nextName() {
    return "w-" + round.get() + "-" + sequence.incrementAndGet();
  }

  private static String body(String name) {
    return "{\"writer\":\"" + name + "\",\"at\":" + System.nanoTime() + ",\"pad\":\"" + "x".repeat(64) + "\"}";
  }

  private static void pause() {
    try {
      Thread.sleep(NO_MAIN_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
