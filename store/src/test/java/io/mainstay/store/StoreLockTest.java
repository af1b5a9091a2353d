package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {

  @TempDir Path tmp;
  private final List<StoreLock> locks = new ArrayList<>();

  @AfterEach
  void release() {
    locks.forEach(StoreLock::close);
  }

  private Optional<StoreLock> tryAcquire(Path dir, String owner) throws Exception {
    Optional<StoreLock> lock = StoreLock.tryAcquire(dir, owner);
    lock.ifPresent(locks::add);
    return lock;
  }

  @Test
  void acquireCreatesTheDirectoryAndHoldsTheLock() throws Exception {
    Path dir = tmp.resolve("a/b/local");

    StoreLock lock = tryAcquire(dir, "node-a pid 1@host").orElseThrow();

    assertTrue(lock.isHeld());
    assertEquals(dir.toRealPath(), lock.directory());
    assertEquals("node-a pid 1@host", lock.owner());
    assertTrue(Files.exists(dir.resolve(StoreLock.LOCK_FILE)));
  }

  @Test
  void secondAcquireInTheSameJvmIsEmptyWhateverThePathSpelling() throws Exception {
    Path dir = tmp.resolve("local");
    tryAcquire(dir, "first").orElseThrow();
    Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);

    assertTrue(tryAcquire(dir, "second").isEmpty());
    assertTrue(tryAcquire(tmp.resolve("local/../local"), "third").isEmpty());
    assertTrue(tryAcquire(link, "fourth").isEmpty());
    assertEquals(Optional.of("first"), StoreLock.holder(link));
  }

  @Test
  void holderNamesTheOwnerAndThenTheLastOwner() throws Exception {
    Path dir = tmp.resolve("local");
    assertEquals(Optional.empty(), StoreLock.holder(dir));

    StoreLock first = tryAcquire(dir, "node-a pid 1@host").orElseThrow();
    assertEquals(Optional.of("node-a pid 1@host"), StoreLock.holder(dir));
    first.close();
    assertEquals(Optional.of("node-a pid 1@host"), StoreLock.holder(dir), "the last holder stays named");

    tryAcquire(dir, "b").orElseThrow();
    assertEquals(Optional.of("b"), StoreLock.holder(dir), "a shorter owner replaces the longer one entirely");
  }

  @Test
  void closeFreesTheLockAndIsIdempotent() throws Exception {
    Path dir = tmp.resolve("local");
    StoreLock first = tryAcquire(dir, "first").orElseThrow();

    first.close();
    first.close();

    assertFalse(first.isHeld());
    StoreLock second = tryAcquire(dir, "second").orElseThrow();
    assertTrue(second.isHeld());
    assertFalse(first.isHeld());
    first.close();
    assertTrue(second.isHeld(), "closing a released lock again must not touch its successor");
  }

  @Test
  void locksOnDifferentDirectoriesAreIndependent() throws Exception {
    assertTrue(tryAcquire(tmp.resolve("one"), "a").isPresent());
    assertTrue(tryAcquire(tmp.resolve("two"), "b").isPresent());
  }

  @Test
  void blankOwnerIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> StoreLock.tryAcquire(tmp.resolve("local"), " "));
  }
}
