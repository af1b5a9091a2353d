package io.mainstay.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive lock on a store directory: an OS file lock on {@code <dir>/mainstay.lock}, whose content names the
 * owner so a waiter can log who holds it.
 *
 * <p>OS file locks belong to the process, and on Linux closing <em>any</em> descriptor of the lock file drops
 * the process's lock on it. So within this JVM every open of a lock file goes through this class under one
 * monitor: a directory held here is refused without touching the file, and {@link #holder} answers from memory
 * for it instead of reading the file. Code outside this class must never open the lock file.
 *
 * <p>The lock file is never deleted: deleting it would let a waiter lock the old file while a newcomer locks a
 * new one.
 */
public final class StoreLock implements AutoCloseable {

  public static final String LOCK_FILE = "mainstay.lock";

  private static final Logger LOG = LoggerFactory.getLogger(StoreLock.class);

  /** Guards {@link #HELD} and every open of a lock file in this JVM. */
  private static final Object REGISTRY = new Object();

  /** Canonical directories whose lock this JVM holds. */
  private static final Map<Path, StoreLock> HELD = new HashMap<>();

  /**
   * Canonical directories a thread of this JVM waits for in {@link #acquire}, with the holder named when the
   * wait began. Nothing else may open their lock file meanwhile: the waiter may hold the lock at any moment.
   */
  private static final Map<Path, String> AWAITED = new HashMap<>();

  private final Path directory;
  private final String owner;
  private final FileChannel channel;
  private final FileLock fileLock;
  private volatile boolean closed;
  private final Logger log;

  private StoreLock(Path directory, String owner, FileChannel channel, FileLock fileLock, Logger log) {
    this.log = log;
    this.directory = directory;
    this.owner = owner;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /**
   * Takes the lock on {@code dir} (created if missing) without waiting. Empty when another process or another
   * caller in this JVM holds it.
   *
   * @param owner who is taking it, e.g. "node-a pid 1234@host"; written to the lock file for {@link #holder}
   */
  public static Optional<StoreLock> tryAcquire(Path dir, String owner) throws IOException {
    return tryAcquire(dir, owner, LOG);
  }

  /** {@link #tryAcquire(Path, String)}, logging to {@code log} (silence for {@link StoreWarmUp}'s scratch lock). */
  static Optional<StoreLock> tryAcquire(Path dir, String owner, Logger log) throws IOException {
    Path canonical = prepare(dir, owner);
    synchronized (REGISTRY) {
      if (HELD.containsKey(canonical) || AWAITED.containsKey(canonical)) {
        return Optional.empty();
      }
      FileChannel channel = openLockFile(canonical);
      try {
        FileLock fileLock = channel.tryLock();
        if (fileLock == null) {
          channel.close();
          return Optional.empty();
        }
        return Optional.of(register(canonical, owner, channel, fileLock, readContent(channel), log));
      } catch (IOException | RuntimeException e) {
        closeAfterFailure(channel, e);
        throw e;
      }
    }
  }

  /**
   * Waits until the lock on {@code dir} is free and takes it. The kernel wakes the waiter the moment the holder
   * releases it or its process ends (on NFS: when the client tells the server, see the README), so a successor
   * learns of a crashed holder without polling. Interrupting the waiting thread ends the wait with {@link
   * InterruptedException} and leaves nothing held.
   *
   * @throws IllegalStateException when this JVM already holds or awaits the lock on {@code dir}
   */
  public static StoreLock acquire(Path dir, String owner) throws IOException, InterruptedException {
    Path canonical = prepare(dir, owner);
    FileChannel channel;
    synchronized (REGISTRY) {
      if (HELD.containsKey(canonical) || AWAITED.containsKey(canonical)) {
        throw new IllegalStateException("the store lock on " + canonical + " is already held or awaited in this JVM");
      }
      channel = openLockFile(canonical);
      try {
        AWAITED.put(canonical, readContent(channel));
      } catch (IOException | RuntimeException e) {
        closeAfterFailure(channel, e);
        throw e;
      }
    }
    try {
      // Blocks in the kernel; an interrupt closes the channel (it is interruptible), which drops any lock taken.
      FileLock fileLock = channel.lock();
      synchronized (REGISTRY) {
        AWAITED.remove(canonical);
        return register(canonical, owner, channel, fileLock, readContent(channel), LOG);
      }
    } catch (FileLockInterruptionException | ClosedByInterruptException interrupted) {
      forget(canonical);
      closeAfterFailure(channel, interrupted);
      Thread.interrupted();
      throw new InterruptedException("wait for the store lock on " + canonical + " interrupted");
    } catch (IOException | RuntimeException e) {
      forget(canonical);
      closeAfterFailure(channel, e);
      throw e;
    }
  }

  private static Path prepare(Path dir, String owner) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(owner, "owner");
    if (owner.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank: it tells waiters who holds the lock");
    }
    Files.createDirectories(dir);
    return dir.toRealPath();
  }

  private static FileChannel openLockFile(Path canonical) throws IOException {
    return FileChannel.open(
        canonical.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** Read through the channel that is ours: opening the file again would risk dropping the lock on close. */
  private static String readContent(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // positional reads until full or at the end
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  /** Under {@link #REGISTRY}, with the lock taken: name ourselves in the file and remember the lock. */
  private static StoreLock register(
      Path canonical, String owner, FileChannel channel, FileLock fileLock, String lastHolder, Logger log) throws IOException {
    // Only now may the content change: before the lock it still names the current holder.
    channel.truncate(0);
    ByteBuffer content = ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8));
    while (content.hasRemaining()) {
      channel.write(content, content.position());
    }
    // Not forced to disk: the name only tells operators and waiters who holds the lock, and an fsync here
    // would sit on every takeover's path; after a host crash the file may name the holder before.
    StoreLock lock = new StoreLock(canonical, owner, channel, fileLock, log);
    HELD.put(canonical, lock);
    log.info("store lock on {} taken by {}{}", canonical, owner, lastHolder.isBlank() ? "" : " (last held by " + lastHolder + ")");
    return lock;
  }

  private static void forget(Path canonical) {
    synchronized (REGISTRY) {
      AWAITED.remove(canonical);
    }
  }

  private static void closeAfterFailure(FileChannel channel, Exception e) {
    try {
      channel.close();
    } catch (IOException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  /**
   * The owner written by the current or last holder of the lock on {@code dir}; empty when there is no lock
   * file, it is empty, or it cannot be read.
   */
  public static Optional<String> holder(Path dir) {
    Objects.requireNonNull(dir, "dir");
    synchronized (REGISTRY) {
      try {
        Path canonical = dir.toRealPath();
        StoreLock mine = HELD.get(canonical);
        if (mine != null) {
          return Optional.of(mine.owner);
        }
        String awaited = AWAITED.get(canonical);
        if (awaited != null) {
          return awaited.isBlank() ? Optional.empty() : Optional.of(awaited);
        }
        String content = Files.readString(canonical.resolve(LOCK_FILE), StandardCharsets.UTF_8);
        return content.isBlank() ? Optional.empty() : Optional.of(content);
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Whether a thread of this process waits for the lock on {@code dir} (in {@link #acquire}): while it does,
   * {@link #tryAcquire} here answers empty whoever holds the lock.
   */
  public static boolean awaitedHere(Path dir) {
    Objects.requireNonNull(dir, "dir");
    synchronized (REGISTRY) {
      try {
        return AWAITED.containsKey(dir.toRealPath());
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** The canonical store directory. */
  public Path directory() {
    return directory;
  }

  public String owner() {
    return owner;
  }

  public boolean isHeld() {
    return !closed && fileLock.isValid();
  }

  /** Releases the lock; idempotent. The lock file keeps naming this owner as the last holder. */
  @Override
  public void close() {
    synchronized (REGISTRY) {
      if (closed) {
        return;
      }
      closed = true;
      HELD.remove(directory, this);
      try {
        // Closing the channel releases the lock; Linux frees the descriptor even when close reports an error.
        channel.close();
        log.info("store lock on {} released by {}", directory, owner);
      } catch (IOException e) {
        log.warn("store lock on {}: error while releasing it for {}", directory, owner, e);
      }
    }
  }

  @Override
  public String toString() {
    return "StoreLock[" + directory + ", owner=" + owner + (isHeld() ? ", held]" : ", released]");
  }
}
