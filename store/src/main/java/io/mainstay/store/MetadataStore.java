package io.mainstay.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main's metadata: an LMDB environment under {@code <lock directory>/db}, opened only while its
 * {@link StoreLock} is held.
 *
 * <p>Default environment flags: every commit is fsynced before it returns, so a write that returned survives a
 * crash of the process or the machine.
 *
 * <p>Thread-safety: any thread may call any method. Each call runs in its own LMDB transaction, opened and
 * closed on the calling thread (LMDB ties read transactions to their thread); LMDB lets one write transaction
 * run at a time and reads never wait for it. A read-write lock only keeps {@link #close()} from closing the
 * environment under a running call.
 */
public final class MetadataStore implements AutoCloseable {

  public static final long DEFAULT_MAP_SIZE = 1L << 30;

  /** Subdirectory of the lock directory that holds the LMDB files. */
  public static final String DB_DIR = "db";

  /** Layout of the keys and values, recorded in "meta" so a later layout change can recognise old stores. */
  static final long FORMAT = 1;

  private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);

  private static final byte[] META_FORMAT = Codec.utf8("format");
  private static final byte[] META_EPOCH = Codec.utf8("epoch");

  /** LMDB must not be opened twice in one process: closing the second handle would drop the first's locks. */
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final StoreLock lock;
  private final Path path;
  private final Env<byte[]> env;
  private final long mapSize;
  private final Dbi<byte[]> meta;
  private final Dbi<byte[]> epochs;
  private final Tables tables;
  private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();
  private boolean closed; // guarded by guard
  /** The open transaction of this thread's {@link #commitTogether}, if any. */
  private final ThreadLocal<Txn<byte[]>> batch = new ThreadLocal<>();
  /** {@link #LOG}, or silence for {@link StoreWarmUp}'s scratch store. */
  private final Logger log;

  private MetadataStore(StoreLock lock, Path path, Env<byte[]> env, long mapSize, Logger log) {
    this.log = log;
    this.lock = lock;
    this.path = path;
    this.env = env;
    this.mapSize = mapSize;
    this.meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
    this.epochs = env.openDbi("epochs", DbiFlags.MDB_CREATE);
    this.tables = new Tables(this, env.openDbi("tables", DbiFlags.MDB_CREATE));
  }

  public static MetadataStore open(StoreLock lock) {
    return open(lock, DEFAULT_MAP_SIZE);
  }

  /**
   * Opens (creating if needed) the store in the locked directory.
   *
   * @param mapSize the most bytes the store can ever hold; the data file only grows as data is written
   * @throws StoreException when the lock is not held, the store is already open in this process, or LMDB fails
   */
  public static MetadataStore open(StoreLock lock, long mapSize) {
    return open(lock, mapSize, LOG);
  }

  static MetadataStore open(StoreLock lock, long mapSize, Logger log) {
    Objects.requireNonNull(lock, "lock");
    if (mapSize <= 0) {
      throw new IllegalArgumentException("map size must be positive: " + mapSize);
    }
    if (!lock.isHeld()) {
      throw new StoreException(
          "cannot open the store in " + lock.directory() + ": its store lock is not held (released or lost)");
    }
    Path path = lock.directory().resolve(DB_DIR);
    if (!OPEN.add(path)) {
      throw new StoreException("the store at " + path + " is already open in this process");
    }
    Env<byte[]> env = null;
    try {
      Files.createDirectories(path);
      // MDB_NOTLS: reader slots belong to transactions, not threads; without it a pooled thread that read
      // and ends after the store closed runs LMDB's thread-exit destructor on the unmapped reader table
      env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(mapSize).setMaxDbs(4).open(path.toFile(), EnvFlags.MDB_NOTLS);
      MetadataStore store = new MetadataStore(lock, path, env, mapSize, log);
      store.checkFormat();
      log.info("store opened at {} (epoch {}, map size {} bytes, lock owner {})",
          path, store.epoch(), mapSize, lock.owner());
      return store;
    } catch (IOException | RuntimeException e) {
      if (env != null) {
        env.close();
      }
      OPEN.remove(path);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot open the store at " + path + ": " + e, e);
    }
  }

  private void checkFormat() {
    write(txn -> {
      byte[] format = meta.get(txn, META_FORMAT);
      if (format == null) {
        meta.put(txn, META_FORMAT, Codec.longValue(FORMAT));
      } else if (Codec.readLong(format, "store format") != FORMAT) {
        throw new StoreException("the store at " + path + " has format " + Codec.readLong(format, "store format")
            + "; this version reads format " + FORMAT);
      }
      return null;
    });
  }

  /** The LMDB directory, {@code <lock directory>/db}. */
  public Path path() {
    return path;
  }

  /** Highest epoch recorded; 0 for a fresh store. */
  public long epoch() {
    return read(this::epoch);
  }

  /**
   * Records that {@code node} is main at {@code epoch} from {@code since}.
   *
   * @throws StaleEpochException when {@code epoch} is not higher than {@link #epoch()}
   */
  public void beginEpoch(long epoch, String node, Instant since) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(since, "since");
    if (node.isBlank()) {
      throw new IllegalArgumentException("node must not be blank");
    }
    write(txn -> {
      long current = epoch(txn);
      if (epoch <= current) {
        throw new StaleEpochException(epoch, current);
      }
      epochs.put(txn, Codec.longValue(epoch), Codec.encodeEpoch(new EpochRecord(epoch, node, since, Optional.empty())));
      meta.put(txn, META_EPOCH, Codec.longValue(epoch));
      return null;
    });
    log.info("store at {}: epoch {} begins, main {} since {}", path, epoch, node, since);
  }

  /**
   * Records the graceful end of the term begun at {@code epoch}.
   *
   * @throws StaleEpochException when a newer epoch has begun since
   * @throws StoreException when that epoch was never begun here or has already ended
   */
  public void endEpoch(long epoch, Instant until) {
    Objects.requireNonNull(until, "until");
    EpochRecord ended = write(txn -> {
      long current = epoch(txn);
      if (epoch < current) {
        throw new StaleEpochException(epoch, current);
      }
      byte[] key = Codec.longValue(epoch);
      byte[] value = epochs.get(txn, key);
      if (value == null) {
        throw new StoreException("epoch " + epoch + " was never begun in the store at " + path);
      }
      EpochRecord record = Codec.decodeEpoch(epoch, value);
      if (record.until().isPresent()) {
        throw new StoreException("epoch " + epoch + " already ended at " + record.until().get());
      }
      if (until.isBefore(record.since())) {
        throw new IllegalArgumentException("epoch " + epoch + " cannot end at " + until + ", before it began at "
            + record.since());
      }
      EpochRecord done = new EpochRecord(epoch, record.node(), record.since(), Optional.of(until));
      epochs.put(txn, key, Codec.encodeEpoch(done));
      return done;
    });
    log.info("store at {}: epoch {} of main {} ends at {}", path, epoch, ended.node(), until);
  }

  /** Every term recorded, ascending by epoch. */
  public List<EpochRecord> history() {
    return read(txn -> {
      List<EpochRecord> out = new ArrayList<>();
      try (CursorIterable<byte[]> it = epochs.iterate(txn)) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          out.add(Codec.decodeEpoch(Codec.readLong(kv.key(), "epoch key"), kv.val()));
        }
      }
      return List.copyOf(out);
    });
  }

  /** The services' tables: the catalog's and every extension's. */
  public Tables tables() {
    return whileUsable(tables);
  }

  private <T> T whileUsable(T part) {
    guard.readLock().lock();
    try {
      ensureUsable();
      return part;
    } finally {
      guard.readLock().unlock();
    }
  }

  /** Closes the environment once running calls finish; idempotent. Does not release the store lock. */
  @Override
  public void close() {
    guard.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      String epoch;
      try (Txn<byte[]> txn = env.txnRead()) {
        epoch = Long.toString(epoch(txn));
      } catch (LmdbException | StoreException e) {
        epoch = "unreadable: " + e.getMessage();
      }
      env.close();
      OPEN.remove(path);
      log.info("store closed at {} (epoch {})", path, epoch);
    } finally {
      guard.writeLock().unlock();
    }
  }

  /** Epoch check of every mutation, inside its write transaction so no newer epoch can begin in between. */
  void checkEpoch(Txn<byte[]> txn, long epoch) {
    long current = epoch(txn);
    if (epoch < current) {
      throw new StaleEpochException(epoch, current);
    }
  }

  <R> R read(Function<Txn<byte[]>, R> body) {
    guard.readLock().lock();
    try {
      ensureUsable();
      try (Txn<byte[]> txn = env.txnRead()) {
        return body.apply(txn);
      }
    } catch (LmdbException e) {
      throw failure(e);
    } finally {
      guard.readLock().unlock();
    }
  }

  /**
   * Group commit: every write {@code body} makes on this thread, through any table of this store, goes into
   * one LMDB transaction committed once, so a batch of writes costs one fsync instead of one each. Each write
   * runs in a transaction nested in it: one that throws leaves nothing behind and the others still commit.
   * Durable when this returns; if the commit itself fails, none of the writes happened.
   */
  public <R> R commitTogether(Supplier<R> body) {
    if (batch.get() != null) {
      throw new IllegalStateException("commitTogether does not nest");
    }
    return write(txn -> {
      batch.set(txn);
      try {
        return body.get();
      } finally {
        batch.remove();
      }
    });
  }

  /**
   * Runs {@code body} in one write transaction, committed (and fsynced) before returning; aborted if it
   * throws. Inside {@link #commitTogether} it is a nested transaction of that batch, committed with it.
   */
  <R> R write(Function<Txn<byte[]>, R> body) {
    guard.readLock().lock();
    try {
      ensureUsable();
      Txn<byte[]> parent = batch.get();
      try (Txn<byte[]> txn = parent == null ? env.txnWrite() : env.txn(parent)) {
        R result = body.apply(txn);
        txn.commit();
        return result;
      }
    } catch (LmdbException e) {
      throw failure(e);
    } finally {
      guard.readLock().unlock();
    }
  }

  private long epoch(Txn<byte[]> txn) {
    byte[] value = meta.get(txn, META_EPOCH);
    return value == null ? 0 : Codec.readLong(value, "store epoch");
  }

  private void ensureUsable() {
    if (closed) {
      throw new StoreException("store is closed");
    }
    // Fencing wall 2 holds only while the lock does: a released lock may already be someone else's.
    if (!lock.isHeld()) {
      throw new StoreException("the store lock on " + lock.directory() + " is no longer held; close the store");
    }
  }

  private StoreException failure(LmdbException e) {
    if (e instanceof Env.MapFullException) {
      return new StoreException("the store at " + path + " is full (map size " + mapSize
          + " bytes); reopen it with a larger map size (store.map-size in mainstay.conf)", e);
    }
    return new StoreException("LMDB failure in the store at " + path + ": " + e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "MetadataStore[" + path + "]";
  }
}
