package io.mainstay.testkit.cluster;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A steady stream of catalog PUTs to whoever is main, found through {@code /ping}, every answer
 * recorded in {@link AcknowledgedWrites}. Every name is written once ({@code w-<round>-<i>}), so an
 * acknowledged write must be found at version 1 with exactly its document, and nothing a later write
 * does can hide a lost one.
 */
public final class CatalogWriter implements AutoCloseable {

  private static final Duration NO_MAIN_PAUSE = Duration.ofMillis(50);

  private final Supplier<List<MainstayNodeProcess>> candidates;
  private final AcknowledgedWrites writes;
  private final AtomicReference<MainstayNodeProcess> target = new AtomicReference<>();
  private final AtomicInteger round = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private Duration pauseAfterAck = Duration.ZERO;
  private Consumer<AcknowledgedWrites.Ack> onAck = ack -> {};

  /**
   * @param candidates the nodes that may be main (asked in turn when the main is unknown)
   * @param writes where every answer is recorded
   */
  public CatalogWriter(Supplier<List<MainstayNodeProcess>> candidates, AcknowledgedWrites writes) {
    this.candidates = candidates;
    this.writes = writes;
  }

  /** A writer with its own record of the writes. */
  public CatalogWriter(Supplier<List<MainstayNodeProcess>> candidates) {
    this(candidates, new AcknowledgedWrites());
  }

  /** A pause after each acknowledged write (default none): a steady load rather than as many writes as possible. */
  public CatalogWriter pauseAfterAck(Duration pause) {
    this.pauseAfterAck = pause;
    return this;
  }

  /** Told of each acknowledgement as it arrives, e.g. by a watch for two mains; call before {@link #start}. */
  public CatalogWriter onAck(Consumer<AcknowledgedWrites.Ack> listener) {
    this.onAck = listener;
    return this;
  }

  /** Starts {@code threadCount} writer threads. */
  public CatalogWriter start(int threadCount) {
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
  public void round(int r) {
    round.set(r);
  }

  /** Waits until {@code more} writes beyond the current count were acknowledged (by {@code node} if not null). */
  public void awaitAcks(int more, MainstayNodeProcess node, Duration deadline) {
    String name = node == null ? null : node.name();
    long before = writes.ackCount(name);
    Await.until(more + " more acknowledged writes" + (node == null ? "" : " from " + name), deadline,
        () -> writes.ackCount(name) >= before + more);
  }

  /** Stops the threads and waits for their last request to be answered or time out. */
  public void stop() {
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

  /** Everything written so far and its answers. */
  public AcknowledgedWrites writes() {
    return writes;
  }

  /** PUTs sent, answered or not. */
  public long attempts() {
    return attempts.get();
  }

  /** One PUT of a fresh name to {@code node}, recorded like the stream's; returns the answer. */
  public HttpResult putOnce(MainstayNodeProcess node) {
    return put(node, nextName());
  }

  private void loop() {
    while (running.get()) {
      MainstayNodeProcess main = target.get();
      if (main == null) {
        main = findMain();
        if (main == null) {
          pause(NO_MAIN_PAUSE);
          continue;
        }
        target.compareAndSet(null, main);
      }
      HttpResult result = put(main, nextName());
      if (result.status() / 100 != 2) {
        target.compareAndSet(main, null);
        pause(NO_MAIN_PAUSE);
      } else if (!pauseAfterAck.isZero()) {
        pause(pauseAfterAck);
      }
    }
  }

  private HttpResult put(MainstayNodeProcess node, String name) {
    attempts.incrementAndGet();
    HttpResult result = writes.put(node, name, body(name));
    if (result.status() / 100 == 2) {
      onAck.accept(writes.ack(name));
    }
    return result;
  }

  private MainstayNodeProcess findMain() {
    for (MainstayNodeProcess node : candidates.get()) {
      if (node.isAlive() && node.ping().isMain()) {
        return node;
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

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
