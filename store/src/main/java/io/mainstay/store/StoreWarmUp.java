package io.mainstay.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Meta;
import org.lmdbjava.Txn;

/**
 * Loads LMDB's native library and warms the code that opens, writes and reads a store, by using a
 * throwaway environment in a temporary directory. The first LMDB call of a JVM extracts and links the
 * native library, which takes from a few hundred milliseconds to seconds on a loaded machine; a standby
 * runs this while it waits so that taking over as main does not pay for it.
 *
 * <p>Touches no store and no lock: the scratch environment lives in its own temporary directory, which is
 * deleted as soon as the environment is open (and again at the end where open files cannot be deleted).
 */
public final class StoreWarmUp {

  private static final byte[] KEY = Codec.utf8("warm-up");

  private StoreWarmUp() {}

  /** Runs the warm-up and returns how long it took. */
  public static Duration run() throws IOException {
    long start = System.nanoTime();
    Meta.version(); // loads the native library before any file exists
    Path dir = Files.createTempDirectory("mainstay-store-warm-up-");
    try {
      Env<byte[]> env =
          Env.create(ByteArrayProxy.PROXY_BA)
              .setMapSize(1 << 20)
              .setMaxDbs(1)
              .open(dir.toFile(), EnvFlags.MDB_NOSYNC);
      // LMDB holds its files open: unlinked now, nothing is left behind even if the process is killed
      deleteQuietly(dir);
      try {
        Dbi<byte[]> dbi = env.openDbi("warm-up", DbiFlags.MDB_CREATE);
        try (Txn<byte[]> txn = env.txnWrite()) {
          dbi.put(txn, KEY, Codec.longValue(1));
          txn.commit();
        }
        try (Txn<byte[]> txn = env.txnRead()) {
          Codec.readLong(dbi.get(txn, KEY), "warm-up value");
        }
      } finally {
        env.close();
      }
    } finally {
      deleteQuietly(dir);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a few bytes left in the temporary directory do no harm
    }
  }
}
