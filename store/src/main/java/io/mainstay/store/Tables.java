package io.mainstay.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.KeyRange;

/**
 * The store's tables: key to value bytes, namespaced by service (the catalog's, an extension's) and table,
 * all in one LMDB database (key {@code namespace 0x00 table 0x00 key}), so every service's writes share one
 * group commit and one epoch fence: every mutation carries the writer's epoch and is refused when that
 * epoch is older than the store's. Each entry keeps its version (1 for a new key, one more at each put;
 * a key deleted and written again starts at 1), the epoch that wrote it and when.
 */
public final class Tables {

  /** Namespaces and table names. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  /** A key is any UTF-8 string without NUL, at most this many bytes (LMDB's default key limit is 511). */
  public static final int MAX_KEY_BYTES = 400;

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
   * Stores {@code value} under {@code key} at its next version, durable before this returns (or with its
   * batch).
   *
   * @throws StaleEpochException when {@code epoch} is older than the store's epoch
   */
  public TableEntry put(String namespace, String table, String key, byte[] value, long epoch) {
    byte[] full = key(namespace, table, key);
    Objects.requireNonNull(value, "value");
    return store.write(txn -> {
      store.checkEpoch(txn, epoch);
      byte[] existing = entries.get(txn, full);
      long version = existing == null ? 1 : Codec.entryVersion(key, existing) + 1;
      TableEntry entry = new TableEntry(key, version, epoch, Instant.now(), value);
      entries.put(txn, full, Codec.encodeEntry(entry));
      return entry;
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

  public Optional<TableEntry> get(String namespace, String table, String key) {
    byte[] full = key(namespace, table, key);
    return store.read(txn -> Optional.ofNullable(entries.get(txn, full)).map(stored -> Codec.decodeEntry(key, stored)));
  }

  /** Every entry of the table, in the byte order of its keys. */
  public List<TableEntry> list(String namespace, String table) {
    return scan(namespace, table, Codec::decodeEntry);
  }

  /** Every key of the table with its version, in the byte order of the keys: no value is copied. */
  public List<TableEntry.Version> versions(String namespace, String table) {
    return scan(namespace, table, (key, stored) -> new TableEntry.Version(key, Codec.entryVersion(key, stored)));
  }

  private <T> List<T> scan(String namespace, String table, BiFunction<String, byte[], T> decode) {
    byte[] prefix = prefix(namespace, table);
    return store.read(txn -> {
      List<T> out = new ArrayList<>();
      try (CursorIterable<byte[]> it = entries.iterate(txn, KeyRange.atLeast(prefix))) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          byte[] key = kv.key();
          if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          out.add(decode.apply(new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8), kv.val()));
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
