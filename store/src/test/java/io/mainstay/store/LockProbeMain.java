package io.mainstay.store;

import java.nio.file.Path;
import java.util.Optional;

/** Child JVM: tries the store lock on args[0] once and prints "ACQUIRED" or "BUSY <holder>". */
public final class LockProbeMain {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Optional<StoreLock> lock = StoreLock.tryAcquire(dir, "probe");
    if (lock.isPresent()) {
      lock.get().close();
      System.out.println("ACQUIRED");
    } else {
      System.out.println("BUSY " + StoreLock.holder(dir).orElse(""));
    }
  }
}
