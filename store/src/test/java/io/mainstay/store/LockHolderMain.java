package io.mainstay.store;

import java.nio.file.Path;
import java.util.Optional;

/** Child JVM: takes the store lock on args[0] as owner args[1], prints "LOCKED", then holds it until killed. */
public final class LockHolderMain {

  public static void main(String[] args) throws Exception {
    Optional<StoreLock> lock = StoreLock.tryAcquire(Path.of(args[0]), args[1]);
    if (lock.isEmpty()) {
      System.err.println("lock busy, held by " + StoreLock.holder(Path.of(args[0])).orElse("?"));
      System.exit(2);
    }
    System.out.println("LOCKED");
    System.out.flush();
    while (lock.get().isHeld()) {
      Thread.sleep(1_000);
    }
    System.exit(3);
  }
}
