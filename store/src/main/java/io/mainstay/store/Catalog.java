package io.mainstay.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;

/**
 * The catalog table: name to JSON document bytes, which the store keeps as given without parsing. Every mutation
 * carries the writer's epoch and is refused when that epoch is older than the store's (fencing wall 3).
 *
 * <p>Names are ASCII, so LMDB's byte order of keys is also their {@link String} order.
 */
public final class Catalog {

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");

  private final MetadataStore store;
  private final Dbi<byte[]> entries;

  Catalog(MetadataStore store, Dbi<byte[]> entries) {
    this.store = store;
    this.entries = entries;
  }

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Stores {@code document} under {@code name} at the next version (1 for a new name) in one write transaction,
   * durable before this returns.
   *
   * @throws StaleEpochException when {@code epoch} is older than the store's epoch
   */
  public CatalogEntry put(String name, byte[] document, long epoch) {
    byte[] key = key(name);
    Objects.requireNonNull(document, "document");
    return store.write(txn -> {
      store.checkEpoch(txn, epoch);
      byte[] existing = entries.get(txn, key);
      long version = existing == null ? 1 : Codec.entryVersion(name, existing) + 1;
      CatalogEntry entry = new CatalogEntry(name, version, epoch, Instant.now(), document);
      entries.put(txn, key, Codec.encodeEntry(entry));
      return entry;
    });
  }

  public Optional<CatalogEntry> get(String name) {
    byte[] key = key(name);
    return store.read(txn -> Optional.ofNullable(entries.get(txn, key)).map(v -> Codec.decodeEntry(name, v)));
  }

  /**
   * Removes {@code name}; a later put of that name starts again at version 1.
   *
   * @return false when there was no such entry
   * @throws StaleEpochException when {@code epoch} is older than the store's epoch
   */
  public boolean delete(String name, long epoch) {
    byte[] key = key(name);
    return store.write(txn -> {
      store.checkEpoch(txn, epoch);
      return entries.delete(txn, key);
    });
  }

  /** Every entry's name and version, sorted by name. */
  public List<CatalogEntry.Summary> list() {
    return store.read(txn -> {
      List<CatalogEntry.Summary> out = new ArrayList<>();
      try (CursorIterable<byte[]> it = entries.iterate(txn)) {
        for (CursorIterable.KeyVal<byte[]> kv : it) {
          String name = new String(kv.key(), StandardCharsets.US_ASCII);
          out.add(new CatalogEntry.Summary(name, Codec.entryVersion(name, kv.val())));
        }
      }
      return List.copyOf(out);
    });
  }

  private static byte[] key(String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid catalog name " + (name == null ? "null" : "'" + name + "'")
          + ": expected " + NAME.pattern());
    }
    return Codec.utf8(name);
  }
}
