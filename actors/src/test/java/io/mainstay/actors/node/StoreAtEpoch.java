package io.mainstay.actors.node;

import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A store under its lock, with {@code epoch} begun by node-a: what a main holds. Opened before each
 * test in a temporary directory of its own, closed after it and the directory deleted:
 * {@code @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);}.
 */
public final class StoreAtEpoch implements BeforeEachCallback, AfterEachCallback {

  private final long epoch;
  private Path localPath;
  private StoreLock lock;
  private MetadataStore store;

  public StoreAtEpoch(long epoch) {
    this.epoch = epoch;
  }

  public StoreLock lock() {
    return lock;
  }

  public MetadataStore store() {
    return store;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    localPath = Files.createTempDirectory("store-at-epoch-");
    lock = StoreLock.tryAcquire(localPath, "test").orElseThrow();
    store = MetadataStore.open(lock);
    store.beginEpoch(epoch, "node-a", Instant.now());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      if (store != null) {
        store.close();
      }
      if (lock != null) {
        lock.close();
      }
    } finally {
      if (localPath != null) {
        delete(localPath);
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
