package io.mainstay.store;

import io.mainstay.testkit.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A store under its lock, with {@code epoch} begun by node-a: what a main holds. Opened before each
 * test in a temporary directory of its own, closed after it and the directory deleted:
 * {@code @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);}. Shared with the actor tests
 * through the store's test jar.
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
        Directories.delete(localPath);
      }
    }
  }
}
