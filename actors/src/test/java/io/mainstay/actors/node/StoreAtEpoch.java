package io.mainstay.actors.node;

import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** A store under its lock in a test's directory, with {@code epoch} begun by node-a: what a main holds. */
public final class StoreAtEpoch implements AutoCloseable {

  public final StoreLock lock;
  public final MetadataStore store;

  public StoreAtEpoch(Path localPath, long epoch) throws IOException {
    lock = StoreLock.tryAcquire(localPath, "test").orElseThrow();
    store = MetadataStore.open(lock);
    store.beginEpoch(epoch, "node-a", Instant.now());
  }

  @Override
  public void close() {
    store.close();
    lock.close();
  }
}
