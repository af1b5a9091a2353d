package io.mainstay.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.lmdbjava.Meta;
import org.slf4j.helpers.NOPLogger;

/**
 * Rehearses what a new main does with its store, on a scratch store of its own: take a lock, open, begin an
 * epoch, write and read a table entry in a group commit, end the epoch, close, release. The first LMDB call
 * of a JVM extracts and links the native library (from a few hundred milliseconds to seconds on a loaded
 * machine), and every step's code runs for the first time, interpreted, its lambdas spun on first use: a
 * standby that never did any of it would pay for all of it in the middle of a takeover.
 *
 * <p>Touches no real store and no real lock: the scratch lock and store live in their own temporary
 * directory, whose files are unlinked as soon as the store is open (and the directory deleted at the end),
 * and the rehearsal logs nothing, so that an operator reading "store lock ... taken" reads of the real one.
 */
public final class StoreWarmUp {

  private static final String OWNER = "warm-up";

  private StoreWarmUp() {}

  /** Runs the rehearsal and returns how long it took. */
  public static Duration run() throws IOException {
    long start = System.nanoTime();
    Meta.version(); // loads the native library before any file exists
    Path dir = Files.createTempDirectory("mainstay-store-warm-up-");
    try (StoreLock lock = StoreLock.tryAcquire(dir, OWNER, NOPLogger.NOP_LOGGER).orElseThrow()) {
      MetadataStore store = MetadataStore.open(lock, 1 << 20, NOPLogger.NOP_LOGGER);
      // the open environment and lock hold their files: unlinked now, nothing is left even if the process is killed
      deleteQuietly(dir);
      try {
        long epoch = store.epoch() + 1;
        store.beginEpoch(epoch, OWNER, Instant.now());
        store.commitTogether(() -> store.tables().put(OWNER, OWNER, OWNER, new byte[] {1}, epoch));
        store.tables().get(OWNER, OWNER, OWNER);
        store.endEpoch(epoch, Instant.now());
      } finally {
        store.close();
      }
    } finally {
      deleteQuietly(dir);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a few bytes left in the temporary directory do no harm
    }
  }
}
