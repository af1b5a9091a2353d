package io.mainstay.it;

import io.mainstay.store.StoreLock;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A second JVM holding the store lock on {@code args[0]} until killed, with an owner in the form a
 * node writes ({@code name pid N@host}). Prints {@link #READY} once it holds the lock.
 */
public final class StoreLockHolder {

  static final String READY = "store lock held";

  private StoreLockHolder() {}

  public static void main(String[] args) throws Exception {
    String owner = "lock-holder pid " + ProcessHandle.current().pid() + "@" + InetAddress.getLocalHost().getHostName();
    Optional<StoreLock> lock = StoreLock.tryAcquire(Path.of(args[0]), owner);
    if (lock.isEmpty()) {
      System.out.println("store lock busy, held by " + StoreLock.holder(Path.of(args[0])).orElse("?"));
      System.exit(1);
    }
    System.out.println(READY + " by " + owner);
    Thread.sleep(Long.MAX_VALUE);
  }
}
