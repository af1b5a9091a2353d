package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.LineQueue;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The store lock between two JVMs, where it is an OS file lock rather than this JVM's bookkeeping. */
@ExtendWith(ManagedProcesses.Extension.class)
class StoreLockProcessTest {

  private static final Duration CHILD_START = Duration.ofSeconds(60);
  private static final Duration RELEASE = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private final List<StoreLock> locks = new ArrayList<>();
  private final LineQueue lines = new LineQueue();

  @AfterEach
  void releaseLocks() {
    locks.forEach(StoreLock::close);
  }

  private JavaProcess start(Class<?> main, String... args) {
    return start(lines, main, args);
  }

  private JavaProcess start(LineQueue queue, Class<?> main, String... args) {
    return JavaProcess.launch(main.getSimpleName(), main.getName())
        .logFile(tmp.resolve(main.getSimpleName() + ".log"))
        .args(List.of(args))
        .onLine(queue)
        .start();
  }

  /** What another JVM finds when it tries the lock once: "ACQUIRED" or "BUSY holder". */
  private String probe(Path dir) {
    // Its own queue: the end of an earlier child's output must not be taken for the probe's.
    LineQueue probeLines = new LineQueue();
    // Its one answer; the log it shares with stderr may also hold JVM warnings.
    return probeLines.awaitText(start(probeLines, LockProbeMain.class, dir.toString()),
        l -> l.startsWith("BUSY") || l.equals("ACQUIRED"), CHILD_START);
  }

  @Test
  void lockHeldByAnotherProcessIsRefusedNamedAndFreedWhenItIsKilled() throws Exception {
    Path dir = tmp.resolve("local");
    String owner = "child " + UUID.randomUUID();
    JavaProcess child = start(LockHolderMain.class, dir.toString(), owner);
    lines.awaitText(child, "LOCKED"::equals, CHILD_START);

    assertTrue(StoreLock.tryAcquire(dir, "test").isEmpty(), "acquired a lock the child holds");
    assertEquals(Optional.of(owner), StoreLock.holder(dir));

    child.kill9();
    assertEquals(137, child.exitCode(), "the child should have died of SIGKILL");
    long deadline = System.nanoTime() + RELEASE.toNanos();
    Optional<StoreLock> lock = StoreLock.tryAcquire(dir, "test");
    while (lock.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      lock = StoreLock.tryAcquire(dir, "test");
    }
    lock.ifPresent(locks::add);
    assertTrue(lock.isPresent(), "the lock was not freed within " + RELEASE + " of the holder's death");
    assertEquals(Optional.of("test"), StoreLock.holder(dir));
  }

  /** The successor's wait: woken by the holder's death, not by polling, and it names the dead holder. */
  @Test
  void aWaiterIsWokenWhenTheHolderIsKilledAndAnInterruptEndsAWaitLeavingNothingHeld() throws Exception {
    Path dir = tmp.resolve("local");
    String owner = "child " + UUID.randomUUID();
    JavaProcess child = start(LockHolderMain.class, dir.toString(), owner);
    lines.awaitText(child, "LOCKED"::equals, CHILD_START);

    // An interrupted wait gives up and leaves the file to others: the holder is still named, nothing held here.
    Thread interrupted = Thread.currentThread();
    Thread interrupter = new Thread(() -> {
      sleepQuietly(300);
      interrupted.interrupt();
    });
    interrupter.start();
    assertThrows(InterruptedException.class, () -> StoreLock.acquire(dir, "interrupted waiter"));
    interrupter.join();
    assertEquals(Optional.of(owner), StoreLock.holder(dir));
    assertFalse(StoreLock.awaitedHere(dir), "an interrupted wait still counts as waiting");

    java.util.concurrent.CompletableFuture<StoreLock> waiter = new java.util.concurrent.CompletableFuture<>();
    Thread waiting = new Thread(() -> {
      try {
        waiter.complete(StoreLock.acquire(dir, "waiter"));
      } catch (Exception e) {
        waiter.completeExceptionally(e);
      }
    });
    waiting.start();
    // While a thread waits, this JVM neither tries the file again nor reads it: it answers from memory.
    Thread.sleep(200);
    assertTrue(StoreLock.tryAcquire(dir, "second").isEmpty(), "a second caller in the waiting JVM got the lock");
    assertTrue(StoreLock.awaitedHere(dir), "a thread waits here");
    assertThrows(IllegalStateException.class, () -> StoreLock.acquire(dir, "second waiter"));
    assertEquals(Optional.of(owner), StoreLock.holder(dir));
    assertTrue(!waiter.isDone(), "the waiter returned while the child still holds the lock");

    long killed = System.nanoTime();
    child.kill9();
    StoreLock lock = waiter.get(RELEASE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    locks.add(lock);
    System.out.printf("store lock: waiter woken %d ms after kill -9 of the holder%n", (System.nanoTime() - killed) / 1_000_000);
    assertTrue(lock.isHeld());
    assertFalse(StoreLock.awaitedHere(dir), "taken, the lock is no longer awaited");
    assertEquals(Optional.of("waiter"), StoreLock.holder(dir));
    // and it is the OS lock, not only this JVM's bookkeeping
    assertEquals("BUSY waiter", probe(dir));
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * On Linux, closing any descriptor of a locked file drops the process's lock, so asking who holds a lock this
   * JVM holds must not open the file.
   */
  @Test
  void askingForTheHolderInTheHoldingJvmKeepsTheLock() throws Exception {
    Path dir = tmp.resolve("local");
    StoreLock lock = StoreLock.tryAcquire(dir, "test holder").orElseThrow();
    locks.add(lock);
    assertEquals(Optional.of("test holder"), StoreLock.holder(dir));
    assertTrue(StoreLock.tryAcquire(dir, "again").isEmpty());

    assertEquals("BUSY test holder", probe(dir));
  }
}
