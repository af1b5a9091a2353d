package io.mainstay.runtime.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes catalog entries {@code w-000001}, {@code w-000002}, ... for the whole run to whichever coordinator
 * is main, one at a time, and records every acknowledged write. When a write is not acknowledged it tries
 * the other coordinator next. Each name is written once, so nothing a later write does can hide a lost one.
 */
final class CatalogWriter {

  private static final long PAUSE_AFTER_ACK_MS = 10;
  private static final long PAUSE_AFTER_REFUSAL_MS = 20;

  private final NodeClient client;
  private final List<NodeProcess> coordinators;
  private final Acknowledged acknowledged;
  private final MainWatch watch;
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong acks = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  CatalogWriter(NodeClient client, List<NodeProcess> coordinators, Acknowledged acknowledged, MainWatch watch) {
    this.client = client;
    this.coordinators = List.copyOf(coordinators);
    this.acknowledged = acknowledged;
    this.watch = watch;
  }

  void start() {
    running = true;
    thread = new Thread(this::write, "bench-catalog-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops after the write in flight, if any, is answered. */
  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(30_000);
    }
  }

  long attempts() {
    return attempts.get();
  }

  long acks() {
    return acks.get();
  }

  private void write() {
    int target = 0;
    long seq = 0;
    while (running) {
      seq++;
      String name = String.format("w-%06d", seq);
      NodeProcess coordinator = coordinators.get(target);
      attempts.incrementAndGet();
      long sent = System.nanoTime();
      NodeClient.Write written = client.put(coordinator.webUrl(), name, "{\"seq\":" + seq + ",\"writer\":\"mainstay-bench\"}");
      long pause = PAUSE_AFTER_ACK_MS;
      if (written.status() == 200) {
        acknowledged.record(name, written.version());
        acks.incrementAndGet();
        watch.observe(coordinator.name(), written.epoch(), sent, System.nanoTime());
      } else {
        target = (target + 1) % coordinators.size();
        pause = PAUSE_AFTER_REFUSAL_MS;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
