package io.mainstay.sql.execution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An executor's fragment slots, shared fairly between jobs: a free slot takes the next fragment of the job
 * that runs the fewest here (among equals, the one served longest ago), so a query of many splits cannot
 * keep a small one waiting behind all of them.
 */
final class FairSlots {

  private final Map<String, ArrayDeque<Runnable>> waiting = new LinkedHashMap<>();
  private final Map<String, Integer> running = new HashMap<>();
  /** When each job with fragments here last got a slot, in turns. */
  private final Map<String, Long> served = new HashMap<>();
  private long turn;
  private final List<Thread> threads = new ArrayList<>();
  private boolean closed;

  FairSlots(int slots, String threadName) {
    for (int i = 1; i <= slots; i++) {
      Thread thread = new Thread(this::work, threadName + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  synchronized void submit(String job, Runnable fragment) {
    if (closed) {
      throw new IllegalStateException("the fragment slots are closed");
    }
    waiting.computeIfAbsent(job, k -> new ArrayDeque<>()).add(fragment);
    notifyAll();
  }

  private void work() {
    while (true) {
      Map.Entry<String, Runnable> next;
      try {
        next = take();
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        return;
      }
      try {
        next.getValue().run();
      } finally {
        done(next.getKey());
      }
    }
  }

  private synchronized Map.Entry<String, Runnable> take() throws InterruptedException {
    while (waiting.isEmpty() && !closed) {
      wait();
    }
    if (closed) {
      return null;
    }
    String job = null;
    for (String candidate : waiting.keySet()) {
      if (job == null || before(candidate, job)) {
        job = candidate;
      }
    }
    served.put(job, ++turn);
    ArrayDeque<Runnable> queue = waiting.get(job);
    Runnable fragment = queue.poll();
    if (queue.isEmpty()) {
      waiting.remove(job);
    }
    running.merge(job, 1, Integer::sum);
    return Map.entry(job, fragment);
  }

  private boolean before(String a, String b) {
    int runningA = running.getOrDefault(a, 0);
    int runningB = running.getOrDefault(b, 0);
    return runningA != runningB ? runningA < runningB : served.getOrDefault(a, 0L) < served.getOrDefault(b, 0L);
  }

  private synchronized void done(String job) {
    running.computeIfPresent(job, (k, n) -> n == 1 ? null : n - 1);
    if (!running.containsKey(job) && !waiting.containsKey(job)) {
      served.remove(job);
    }
  }

  /** Stops the slots; answers the fragments that never got one, for the caller to settle. */
  List<Runnable> shutdown() {
    List<Runnable> unrun = new ArrayList<>();
    synchronized (this) {
      closed = true;
      waiting.values().forEach(unrun::addAll);
      waiting.clear();
      notifyAll();
    }
    threads.forEach(Thread::interrupt);
    return unrun;
  }

}
