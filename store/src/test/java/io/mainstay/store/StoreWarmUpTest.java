package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreWarmUpTest {

  @TempDir Path dir;

  @Test
  void warmsUpWithoutAStoreOrLockAndCleansUpItsScratchDirectory() throws Exception {
    long scratchBefore = scratchDirectories();

    assertFalse(StoreWarmUp.run().isNegative());
    StoreWarmUp.run(); // again: nothing is held between runs

    assertEquals(scratchBefore, scratchDirectories());
    try (StoreLock lock = StoreLock.tryAcquire(dir, "test").orElseThrow();
        MetadataStore store = MetadataStore.open(lock)) {
      store.beginEpoch(1, "node-a", Instant.now());
      store.tables().put("test", "docs", "t", "{}".getBytes(StandardCharsets.UTF_8), 1);
      assertEquals(1, store.epoch());
    }
  }

  private static long scratchDirectories() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("mainstay-store-warm-up-")).count();
    }
  }
}
