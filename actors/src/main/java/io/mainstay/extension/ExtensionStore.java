package io.mainstay.extension;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A service's tables in the main's store, namespaced by extension and table name. Writes share one group
 * commit with every other service: durable in LMDB, checked against the store's epoch (a deposed main's
 * write is refused by the store) and confirmed through ZooKeeper before the future completes. A refused
 * write fails the future with {@link StoreUnavailableException}; a bad table name or key with {@link
 * IllegalArgumentException}. Each entry has a version: 1 when its key is new, one more at each put.
 */
public interface ExtensionStore {

  /**
   * {@code table}: same rule as an extension name; {@code key}: UTF-8 without NUL, at most 400 bytes.
   *
   * @return the key's version after this put
   */
  CompletionStage<Long> put(String table, String key, byte[] value);

  /** @return false when there was no such key */
  CompletionStage<Boolean> delete(String table, String key);

  CompletionStage<Optional<Entry>> get(String table, String key);

  /** Every entry of {@code table}, ordered by the bytes of its key. */
  CompletionStage<List<Entry>> list(String table);

  /** Every key of {@code table} with its version, ordered like {@link #list}, without copying the values. */
  CompletionStage<List<Version>> versions(String table);

  /** An entry, with the epoch of the main that wrote it and when. */
  record Entry(String key, byte[] value, long version, long epoch, Instant updated) {}

  record Version(String key, long version) {}
}
