package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store lock between two JVMs, where it is an OS file lock rather than this JVM's bookkeeping. */
class StoreLockProcessTest {

  private static final Duration CHILD_START = Duration.ofSeconds(60);
  private static final Duration RELEASE = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private final List<ChildJvm> children = new ArrayList<>();
  private final List<StoreLock> locks = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (ChildJvm child : children) {
      child.close();
    }
    locks.forEach(StoreLock::close);
  }

  private ChildJvm start(Class<?> main, String... args) throws Exception {
    ChildJvm child = ChildJvm.start(tmp, main, args);
    children.add(child);
    return child;
  }

  @Test
  void lockHeldByAnotherProcessIsRefusedNamedAndFreedWhenItIsKilled() throws Exception {
    Path dir = tmp.resolve("local");
    String owner = "child " + UUID.randomUUID();
    ChildJvm child = start(LockHolderMain.class, dir.toString(), owner);
    child.awaitLine("LOCKED"::equals, CHILD_START);

    assertTrue(StoreLock.tryAcquire(dir, "test").isEmpty(), "acquired a lock the child holds");
    assertEquals(Optional.of(owner), StoreLock.holder(dir));

    assertEquals(137, child.kill(), "the child should have died of SIGKILL");
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

    String probe = start(LockProbeMain.class, dir.toString()).awaitLine(l -> !l.isBlank(), CHILD_START);

    assertEquals("BUSY test holder", probe);
  }
}
