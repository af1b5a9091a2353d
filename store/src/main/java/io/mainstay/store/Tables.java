package io.mainstay.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.KeyRange;

/**
 * The extensions' tables: key to value bytes, namespaced by extension and table, all in one LMDB database
 * (key {@code namespace 0x00 table 0x00 key}), so an extension's writes share the catalog's group commit
 * and its epoch fence: every mutation carries the writer's epoch and is refused when that epoch is older
 * than the store's.
 */
public final class Tables {

  /** Namespaces (extension names) and table names. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  /** A key is any UTF-8 string without NUL, at most this many bytes (LMDB's default key limit is 511). */
  public static final int MAX_KEY_BYTES = 400;

  public record Entry(String key, byte[] value) {}

  private final MetadataStore store;
  private final Dbi<byte[]> entries;

  Tables(MetadataStore store, Dbi<byte[]> entries) {
    this.store = store;
    this.entries = entries;
  }

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Stores {@code value} under {@code key}, durable before this returns (or with its batch).
   *
   * @return true when the key held a value before
   * @throws StaleEpochException when {@code epoch} is older than the store's epoch
   */
  public boolean put(String namespace, String table, String key, byte[] value, long epoch) {
    byte[] full = key(namespace, table, key);
    Objects.requireNonNull(value, "value");
    return store.write(txn -> {
      store.checkEpoch(txn, epoch);
      boolean existed = entries.get(txn, full) != null;
      entries.put(txn, full, value);
      return existed;
    });
  }

  /** @return false when there was no such key */
  public boolean delete(String namespace, String table, String key, long epoch) {
    byte[] full = key(namespace, table, key);
    return store.write(txn -> {
      store.checkEpoch(txn, epoch);
      return entries.delete(txn, full);
    });
  }

  public Optional<byte[]> get(String namespace, String table, String key) {
    byte[] full = key(namespace, table, key);
    return store.read(txn -> Optional.ofNullable(entries.get(txn, full)));
  }

  /** Every entry of the table, in the byte order of its keys. */
  public List<Entry> list(String namespace, String table) {
    byte[] prefix = prefix(namespace, table);
    return store.read(txn -> {
      List<Entry> out = new ArrayList<>();
      try (CursorIterable<byte[]> it = entries.iterate(txn, KeyRange.atLeast(prefix))) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          byte[] key = kv.key();
          if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          out.add(new Entry(new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8), kv.val()));
        }
      }
      return List.copyOf(out);
    });
  }

  private static byte[] prefix(String namespace, String table) {
    check("namespace", namespace);
    check("table", table);
    return (namespace + '\0' + table + '\0').getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] key(String namespace, String table, String key) {
    byte[] prefix = prefix(namespace, table);
    if (key == null || key.isEmpty() || key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid key " + (key == null ? "null" : "'" + key + "'") + ": empty or holds NUL");
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key of " + bytes.length + " bytes is longer than " + MAX_KEY_BYTES);
    }
    return ByteBuffer.allocate(prefix.length + bytes.length).put(prefix).put(bytes).array();
  }

  private static void check(String what, String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid " + what + " " + (name == null ? "null" : "'" + name + "'")
          + ": expected " + NAME.pattern());
    }
  }
}
