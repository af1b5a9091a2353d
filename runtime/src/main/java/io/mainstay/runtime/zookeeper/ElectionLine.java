package io.mainstay.runtime.zookeeper;

import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.ElectionEntry;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * The order of the LeaderLatch's entries, watched: tells this node when it is next in line (directly behind
 * the leader) and who that leader is.
 * Curator's latch watches only its predecessor; the line as a whole is what succession needs.
 */
final class ElectionLine implements AutoCloseable {

  /** LeaderLatch names its entries {@code _c_<uuid>-latch-<sequence>}; the sequence orders them. */
  private static final String SEQUENCE_MARK = "latch-";
  /** How often the line is read again while our own entry is not in it yet (the latch creates it async). */
  private static final long OWN_ENTRY_RETRY_MS = 100;

  private final String electionPath;
  private final Supplier<String> ownPath;
  private final Consumer<CoordinationEvent> listener;
  private final CuratorCache cache;
  private final ScheduledExecutorService retries;
  /** Touched only on the {@link #retries} thread, as is {@link #retryPending}. */
  private Optional<ElectionEntry> reported = Optional.empty();
  private boolean retryPending;

  ElectionLine(
      CuratorFramework client, String electionPath, Supplier<String> ownPath, Consumer<CoordinationEvent> listener) {
    this.electionPath = electionPath;
    this.ownPath = ownPath;
    this.listener = listener;
    this.cache = CuratorCache.build(client, electionPath);
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "mainstay-election-line");
              thread.setDaemon(true);
              return thread;
            });
    cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> reportSoon()).build());
  }

  void start() {
    cache.start();
    reportSoon();
  }

  /** Off Curator's event thread, one report at a time. */
  private void reportSoon() {
    retries.execute(this::report);
  }

  private void report() {
    List<ChildData> line =
        cache.stream()
            .filter(data -> data.getPath().startsWith(electionPath + "/") && data.getPath().contains(SEQUENCE_MARK))
            .sorted(Comparator.comparing(ElectionLine::sequence))
            .toList();
    String own = ownPath.get();
    int place = own == null ? -1 : indexOf(line, own);
    if (place < 0 && !retryPending) {
      retryPending = true;
      retries.schedule(this::retry, OWN_ENTRY_RETRY_MS, TimeUnit.MILLISECONDS);
    }
    Optional<ElectionEntry> leader = place == 1 ? Optional.of(entry(line.get(0))) : Optional.empty();
    if (!leader.equals(reported)) {
      reported = leader;
      listener.accept(new CoordinationEvent.NextInLine(leader));
    }
  }

  private void retry() {
    retryPending = false;
    report();
  }

  private static int indexOf(List<ChildData> line, String path) {
    for (int i = 0; i < line.size(); i++) {
      if (line.get(i).getPath().equals(path)) {
        return i;
      }
    }
    return -1;
  }

  private static String sequence(ChildData data) {
    String path = data.getPath();
    return path.substring(path.lastIndexOf(SEQUENCE_MARK) + SEQUENCE_MARK.length());
  }

  private static ElectionEntry entry(ChildData data) {
    byte[] id = data.getData();
    return new ElectionEntry(id == null ? "" : new String(id, StandardCharsets.UTF_8), data.getPath());
  }

  @Override
  public void close() {
    cache.close();
    retries.shutdownNow();
  }
}
