package io.mainstay.bench;

import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Looks for two mains. Every answer that shows a node acting as main -- {@code /ping} 200, an acknowledged
 * write -- is reported here with its epoch and the instants its request was sent and answered; a thread
 * also pings both coordinators every 20 ms for the whole run.
 *
 * <p>A double main is counted when two nodes act as main at the same epoch, or when a node acts as main at
 * an older epoch in answer to a request sent <em>after</em> another node had already answered as main at a
 * newer epoch: then the old main was still serving while the new one was. Two answers of one polling cycle
 * that are both 200 are also counted, as "overlapping answers", but are not proof on their own: the two
 * requests are evaluated at different instants.
 */
final class MainWatch {

  private static final long POLL_MS = 20;

  private record Sighting(String node, long epoch, long answeredNanos) {}

  private final List<MainstayNodeProcess> coordinators;
  private final Map<Long, Sighting> firstByEpoch = new HashMap<>();
  private final Set<String> incidents = new LinkedHashSet<>();
  private Sighting newest;
  private int overlappingAnswers;
  private volatile boolean running;
  private Thread thread;

  MainWatch(List<MainstayNodeProcess> coordinators) {
    this.coordinators = List.copyOf(coordinators);
  }

  /** {@code node} acted as main at {@code epoch}, answering a request sent at {@code sentNanos}. */
  synchronized void observe(String node, long epoch, long sentNanos, long answeredNanos) {
    Sighting first = firstByEpoch.get(epoch);
    if (first != null && !first.node().equals(node)) {
      incidents.add("epoch " + epoch + ": both " + first.node() + " and " + node + " acted as main");
    }
    if (first == null) {
      firstByEpoch.put(epoch, new Sighting(node, epoch, answeredNanos));
    }
    if (newest != null && epoch < newest.epoch() && sentNanos > newest.answeredNanos()) {
      incidents.add(
          node + " acted as main at epoch " + epoch + " after " + newest.node() + " had answered as main at epoch "
              + newest.epoch());
    }
    if (newest == null || epoch > newest.epoch()) {
      newest = new Sighting(node, epoch, answeredNanos);
    }
  }

  void start() {
    running = true;
    thread = new Thread(this::poll, "bench-main-watch");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join(10_000);
    }
  }

  private void poll() {
    while (running) {
      int mains = 0;
      for (MainstayNodeProcess coordinator : coordinators) {
        long sent = System.nanoTime();
        Ping ping = coordinator.ping();
        if (ping.isMain()) {
          mains++;
          observe(coordinator.name(), ping.epoch(), sent, System.nanoTime());
        }
      }
      if (mains > 1) {
        synchronized (this) {
          overlappingAnswers++;
        }
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized List<String> incidents() {
    return new ArrayList<>(incidents);
  }

  synchronized int overlappingAnswers() {
    return overlappingAnswers;
  }
}
