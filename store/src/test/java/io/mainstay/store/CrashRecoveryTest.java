package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.LineQueue;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed with SIGKILL in the middle of its writes loses nothing it acknowledged. */
@ExtendWith(ManagedProcesses.Extension.class)
class CrashRecoveryTest {

  private static final int ACKS_BEFORE_KILL = 200;

  @TempDir Path tmp;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void everyAcknowledgedPutSurvivesAKillDuringWrites() throws Exception {
    Path dir = tmp.resolve("local");
    String owner = "writer " + UUID.randomUUID();
    LineQueue lines = new LineQueue();
    JavaProcess writer = JavaProcess.launch("writer", TableWriterMain.class.getName())
        .logFile(tmp.resolve("writer.log"))
        .args(List.of(dir.toString(), owner))
        .onLine(lines)
        .start();

    long epoch = Long.parseLong(lines.awaitText(writer, l -> l.startsWith("EPOCH "), Duration.ofSeconds(60)).substring(6));
    Map<String, Long> acked = new HashMap<>();
    for (int i = 0; i < ACKS_BEFORE_KILL; i++) {
      String[] ack = lines.awaitText(writer, l -> l.startsWith("ACK "), Duration.ofSeconds(60)).split(" ");
      acked.merge(ack[1], Long.parseLong(ack[2]), Math::max);
    }
    assertTrue(writer.isAlive(), "the writer must still be writing when it is killed");
    writer.kill9();
    assertEquals(137, writer.exitCode(), "the writer should have died of SIGKILL");

    StoreLock lock = acquireWithin(dir, Duration.ofSeconds(30));
    resources.add(lock);
    MetadataStore store = MetadataStore.open(lock);
    resources.add(store);

    assertEquals(epoch, store.epoch());
    assertEquals(
        List.of(new EpochRecord(epoch, owner, store.history().get(0).since(), Optional.empty())),
        store.history(),
        "the killed writer's term stays open: it never ended gracefully");
    Tables tables = store.tables();
    assertEquals(acked.size(), tables.versions("test", "docs").size());
    for (Map.Entry<String, Long> ack : acked.entrySet()) {
      TableEntry entry = tables.get("test", "docs", ack.getKey()).orElseThrow(() -> new AssertionError("lost " + ack));
      // A put that committed just before the kill may be stored without its ACK having been printed.
      assertTrue(entry.version() >= ack.getValue(), "lost " + ack + ", store has version " + entry.version());
      assertEquals(epoch, entry.epoch());
      assertArrayEquals(
          TableWriterMain.document(entry.key(), entry.version()), entry.value(), "document of " + entry);
    }

    store.beginEpoch(epoch + 1, "recovery", Instant.now());
    TableEntry before = tables.get("test", "docs", "entry-0").orElseThrow();
    TableEntry after = tables.put("test", "docs", "entry-0", TableWriterMain.document("entry-0", 1), epoch + 1);
    assertEquals(before.version() + 1, after.version());
    assertEquals(1, tables.put("test", "docs", "after-crash", "{}".getBytes(), epoch + 1).version());
  }

  private static StoreLock acquireWithin(Path dir, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<StoreLock> lock = StoreLock.tryAcquire(dir, "recovery");
    while (lock.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      lock = StoreLock.tryAcquire(dir, "recovery");
    }
    return lock.orElseThrow(() -> new AssertionError("store lock still held " + timeout + " after the kill"));
  }
}
