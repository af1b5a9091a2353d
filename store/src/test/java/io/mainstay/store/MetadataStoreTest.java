package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {

  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00.123456789Z");

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private ExecutorService pool;

  @AfterEach
  void closeAll() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "test threads did not stop");
    }
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private StoreLock lock() throws Exception {
    StoreLock lock = StoreLock.tryAcquire(dir, "store-test").orElseThrow();
    opened.add(lock);
    return lock;
  }

  private MetadataStore open(StoreLock lock) {
    MetadataStore store = MetadataStore.open(lock);
    opened.add(store);
    return store;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void freshStoreIsAtEpochZeroUnderTheLockDirectory() throws Exception {
    MetadataStore store = open(lock());

    assertEquals(0, store.epoch());
    assertTrue(store.history().isEmpty());
    assertTrue(store.tables().versions("test", "docs").isEmpty());
    assertEquals(dir.toRealPath().resolve("db"), store.path());
    assertTrue(Files.exists(store.path().resolve("data.mdb")));
  }

  @Test
  void beginEpochRefusesAnEpochNotAboveTheCurrentOne() throws Exception {
    MetadataStore store = open(lock());
    store.beginEpoch(5, "node-a", T0);

    StaleEpochException same = assertThrows(StaleEpochException.class, () -> store.beginEpoch(5, "node-b", T0));
    assertEquals("epoch 5 is stale: the store is at epoch 5", same.getMessage());
    StaleEpochException lower = assertThrows(StaleEpochException.class, () -> store.beginEpoch(4, "node-b", T0));
    assertEquals("epoch 4 is stale: the store is at epoch 5", lower.getMessage());
    assertEquals(5, store.epoch());
    assertEquals(List.of(new EpochRecord(5, "node-a", T0, Optional.empty())), store.history());
  }

  @Test
  void historyRecordsEachTermAscendingWithItsEnd() throws Exception {
    MetadataStore store = open(lock());
    Instant t1 = T0.plusSeconds(60);
    Instant t2 = T0.plusSeconds(120);
    store.beginEpoch(2, "node-a", T0);
    store.endEpoch(2, t1);
    store.beginEpoch(10, "node-b", t2);

    assertEquals(10, store.epoch());
    assertEquals(
        List.of(new EpochRecord(2, "node-a", T0, Optional.of(t1)), new EpochRecord(10, "node-b", t2, Optional.empty())),
        store.history());
  }

  @Test
  void endEpochRefusesStaleUnknownEndedAndBackwardsEnds() throws Exception {
    MetadataStore store = open(lock());
    store.beginEpoch(1, "node-a", T0);
    store.beginEpoch(2, "node-b", T0);

    assertThrows(StaleEpochException.class, () -> store.endEpoch(1, T0.plusSeconds(1)));
    assertThrows(StoreException.class, () -> store.endEpoch(3, T0.plusSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> store.endEpoch(2, T0.minusSeconds(1)));
    store.endEpoch(2, T0.plusSeconds(1));
    StoreException twice = assertThrows(StoreException.class, () -> store.endEpoch(2, T0.plusSeconds(2)));
    assertTrue(twice.getMessage().contains("already ended"), twice.getMessage());

    assertEquals(
        List.of(
            new EpochRecord(1, "node-a", T0, Optional.empty()),
            new EpochRecord(2, "node-b", T0, Optional.of(T0.plusSeconds(1)))),
        store.history());
  }

  @Test
  void reopenKeepsEpochsHistoryAndCatalog() throws Exception {
    StoreLock lock = lock();
    MetadataStore first = open(lock);
    first.beginEpoch(3, "node-a", T0);
    first.tables().put("test", "docs", "kept", bytes("{\"v\":1}"), 3);
    first.tables().put("test", "docs", "kept", bytes("{\"v\":2}"), 3);
    first.tables().put("test", "docs", "dropped", bytes("{}"), 3);
    first.tables().delete("test", "docs", "dropped", 3);
    first.endEpoch(3, T0.plusSeconds(5));
    first.close();
    lock.close();

    MetadataStore second = open(lock());
    assertEquals(3, second.epoch());
    assertEquals(List.of(new EpochRecord(3, "node-a", T0, Optional.of(T0.plusSeconds(5)))), second.history());
    assertEquals(List.of(new TableEntry.Version("kept", 2)), second.tables().versions("test", "docs"));
    TableEntry kept = second.tables().get("test", "docs", "kept").orElseThrow();
    assertArrayEquals(bytes("{\"v\":2}"), kept.value());
    assertEquals(3, kept.epoch());
    assertThrows(StaleEpochException.class, () -> second.tables().put("test", "docs", "kept", bytes("{}"), 2));
    second.beginEpoch(4, "node-b", T0.plusSeconds(10));
    assertEquals(3, second.tables().put("test", "docs", "kept", bytes("{\"v\":3}"), 4).version());
  }

  @Test
  void closedStoreRefusesEveryCall() throws Exception {
    MetadataStore store = open(lock());
    store.beginEpoch(1, "node-a", T0);
    Tables tables = store.tables();
    store.close();
    store.close();

    List<Executable> calls =
        List.of(
            store::epoch,
            () -> store.beginEpoch(2, "node-a", T0),
            () -> store.endEpoch(1, T0),
            store::history,
            store::tables,
            () -> tables.put("test", "docs", "a", bytes("{}"), 1),
            () -> tables.get("test", "docs", "a"),
            () -> tables.delete("test", "docs", "a", 1),
            () -> tables.versions("test", "docs"));
    for (Executable call : calls) {
      assertEquals("store is closed", assertThrows(StoreException.class, call).getMessage());
    }
  }

  @Test
  void openWithoutAHeldLockIsRefused() throws Exception {
    StoreLock lock = lock();
    lock.close();

    StoreException refused = assertThrows(StoreException.class, () -> MetadataStore.open(lock));
    assertTrue(refused.getMessage().contains("not held"), refused.getMessage());
    assertTrue(Files.notExists(dir.resolve("db")), "nothing may be created without the lock");
  }

  @Test
  void callsAreRefusedOnceTheLockIsReleased() throws Exception {
    StoreLock lock = lock();
    MetadataStore store = open(lock);
    store.beginEpoch(1, "node-a", T0);
    lock.close();

    StoreException refused = assertThrows(StoreException.class, () -> store.tables().put("test", "docs", "a", bytes("{}"), 1));
    assertTrue(refused.getMessage().contains("no longer held"), refused.getMessage());
    assertThrows(StoreException.class, store::epoch);
  }

  @Test
  void secondOpenInTheSameProcessIsRefused() throws Exception {
    StoreLock lock = lock();
    MetadataStore store = open(lock);

    StoreException refused = assertThrows(StoreException.class, () -> MetadataStore.open(lock));
    assertTrue(refused.getMessage().contains("already open"), refused.getMessage());
    store.close();
    open(lock).beginEpoch(1, "node-a", T0);
  }

  @Test
  void fullMapIsAStoreExceptionAndTheStoreStaysUsable() throws Exception {
    MetadataStore store = MetadataStore.open(lock(), 1 << 20);
    opened.add(store);
    store.beginEpoch(1, "node-a", T0);

    StoreException full =
        assertThrows(StoreException.class, () -> store.tables().put("test", "docs", "huge", new byte[2 << 20], 1));
    assertTrue(full.getMessage().contains("map size"), full.getMessage());
    assertTrue(store.tables().get("test", "docs", "huge").isEmpty());
    assertEquals(1, store.tables().put("test", "docs", "small", bytes("{}"), 1).version());
  }

  @Test
  void readersSeeOnlyCommittedEntriesWhileTheWriterWrites() throws Exception {
    MetadataStore store = open(lock());
    store.beginEpoch(1, "node-a", T0);
    Tables tables = store.tables();
    tables.put("test", "docs", "k", bytes("v1"), 1);
    int writes = 300;
    pool = Executors.newFixedThreadPool(5);
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch readersStarted = new CountDownLatch(4);

    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      readers.add(pool.submit(() -> {
        readersStarted.countDown();
        long last = 0;
        int reads = 0;
        while (writing.get()) {
          TableEntry e = tables.get("test", "docs", "k").orElseThrow();
          assertArrayEquals(bytes("v" + e.version()), e.value(), "torn read at version " + e.version());
          assertTrue(e.version() >= last, "version went back from " + last + " to " + e.version());
          last = e.version();
          List<TableEntry.Version> listed = tables.versions("test", "docs");
          assertEquals(1, listed.size());
          assertTrue(listed.get(0).version() >= last, "list went back before version " + last);
          reads++;
        }
        return reads;
      }));
    }
    Future<?> writer = pool.submit(() -> {
      readersStarted.await();
      for (int v = 2; v <= writes; v++) {
        assertEquals(v, tables.put("test", "docs", "k", bytes("v" + v), 1).version());
      }
      return null;
    });

    try {
      writer.get(120, TimeUnit.SECONDS);
    } finally {
      writing.set(false);
    }
    for (Future<Integer> reader : readers) {
      assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
    }
    assertEquals(writes, tables.get("test", "docs", "k").orElseThrow().version());
  }

  @Test
  void closeWaitsForRunningCallsAndLaterCallsAreRefused() throws Exception {
    MetadataStore store = open(lock());
    store.beginEpoch(1, "node-a", T0);
    store.tables().put("test", "docs", "k", new byte[50_000], 1);
    pool = Executors.newFixedThreadPool(4);
    CountDownLatch reading = new CountDownLatch(4);

    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      readers.add(pool.submit(() -> {
        int reads = 0;
        try {
          while (true) {
            assertEquals(50_000, store.tables().get("test", "docs", "k").orElseThrow().value().length);
            if (++reads == 1) {
              reading.countDown();
            }
          }
        } catch (StoreException e) {
          assertEquals("store is closed", e.getMessage());
          return reads;
        }
      }));
    }
    assertTrue(reading.await(60, TimeUnit.SECONDS), "readers did not start");
    store.close();

    for (Future<Integer> reader : readers) {
      assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
    }
  }
}
