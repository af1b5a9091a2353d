package io.mainstay.actors.node;

import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A thread of its own blocked in {@link StoreLock#acquire} (a wait with no end must not hold a dispatcher's
 * thread) which, woken with the lock, opens the store at once on the same thread: the store is what a
 * successor needs next, and every hand-off between threads before it costs milliseconds on a busy machine.
 * {@link #cancel} ends the wait and releases what was taken too late for anyone to use: a live standby left
 * holding the lock would keep every successor out.
 */
final class LockWait {

  /** The lock, and the store opened under it; the receiver owns both. */
  record Held(StoreLock lock, MetadataStore store) {
    /** Closes the store, then releases the lock. */
    void release() {
      store.close();
      lock.close();
    }
  }

  private final CompletableFuture<Held> result = new CompletableFuture<>();
  private final Thread thread;
  /** Guarded by {@code this}, with the completion of {@link #result}. */
  private boolean cancelled;

  private LockWait(Path dir, String owner, long mapSize) {
    this.thread = new Thread(() -> await(dir, owner, mapSize), "mainstay-store-lock-wait");
    thread.setDaemon(true);
  }

  static LockWait start(Path dir, String owner, long mapSize) {
    LockWait wait = new LockWait(dir, owner, mapSize);
    wait.thread.start();
    return wait;
  }

  /**
   * Completes with the lock and the open store, or fails: with {@link CancellationException} once cancelled,
   * with the store's error (the lock released) when it cannot be opened.
   */
  CompletionStage<Held> result() {
    return result;
  }

  synchronized void cancel() {
    cancelled = true;
    thread.interrupt();
    result.thenAccept(Held::release);
    result.completeExceptionally(new CancellationException("the wait for the store lock was cancelled"));
  }

  private void await(Path dir, String owner, long mapSize) {
    StoreLock lock;
    try {
      lock = StoreLock.acquire(dir, owner);
    } catch (InterruptedException e) {
      result.completeExceptionally(new CancellationException("the wait for the store lock was interrupted"));
      return;
    } catch (Exception e) {
      result.completeExceptionally(e);
      return;
    }
    Held held;
    try {
      held = new Held(lock, MetadataStore.open(lock, mapSize));
    } catch (RuntimeException e) {
      lock.close();
      result.completeExceptionally(e);
      return;
    }
    synchronized (this) {
      if (cancelled) {
        held.release();
      } else {
        result.complete(held);
      }
    }
  }
}
