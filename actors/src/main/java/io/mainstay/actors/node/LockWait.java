package io.mainstay.actors.node;

import io.mainstay.store.StoreLock;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A thread of its own blocked in {@link StoreLock#acquire} (a wait with no end must not hold a dispatcher's
 * thread). {@link #cancel} ends the wait and releases a lock taken too late for anyone to use: a live
 * standby left holding the lock would keep every successor out.
 */
final class LockWait {

  private final CompletableFuture<StoreLock> result = new CompletableFuture<>();
  private final Thread thread;
  /** Guarded by {@code this}, with the completion of {@link #result}. */
  private boolean cancelled;

  private LockWait(Path dir, String owner) {
    this.thread = new Thread(() -> await(dir, owner), "mainstay-store-lock-wait");
    thread.setDaemon(true);
  }

  static LockWait start(Path dir, String owner) {
    LockWait wait = new LockWait(dir, owner);
    wait.thread.start();
    return wait;
  }

  /** Completes with the lock, or fails (with {@link CancellationException} once cancelled). */
  CompletionStage<StoreLock> result() {
    return result;
  }

  synchronized void cancel() {
    cancelled = true;
    thread.interrupt();
    result.thenAccept(StoreLock::close);
    result.completeExceptionally(new CancellationException("the wait for the store lock was cancelled"));
  }

  private void await(Path dir, String owner) {
    try {
      StoreLock lock = StoreLock.acquire(dir, owner);
      synchronized (this) {
        if (cancelled) {
          lock.close();
        } else {
          result.complete(lock);
        }
      }
    } catch (InterruptedException e) {
      result.completeExceptionally(new CancellationException("the wait for the store lock was interrupted"));
    } catch (Exception e) {
      result.completeExceptionally(e);
    }
  }
}
