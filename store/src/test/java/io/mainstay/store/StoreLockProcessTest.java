package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    return JavaProcess.launch(main.getSimpleName(), main.getName())
        .logFile(tmp.resolve(main.getSimpleName() + ".log"))
        .args(List.of(args))
        .onLine(lines)
        .start();
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

    // Its one answer; the log it shares with stderr may also hold JVM warnings.
    String probe = lines.awaitText(start(LockProbeMain.class, dir.toString()),
        l -> l.startsWith("BUSY") || l.equals("ACQUIRED"), CHILD_START);

    assertEquals("BUSY test holder", probe);
  }
}
