package io.mainstay.extension;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An extension's tables in the main's store, namespaced by extension and table name. Writes share the
 * catalog's group commit: durable in LMDB, checked against the store's epoch (a deposed main's write is
 * refused by the store) and confirmed through ZooKeeper before the future completes. A refused write
 * fails the future with {@link StoreUnavailableException}.
 */
public interface ExtensionStore {

  /** {@code table}: same rule as an extension name. */
  CompletionStage<Void> put(String table, String key, byte[] value);

  CompletionStage<Boolean> delete(String table, String key);

  CompletionStage<Optional<byte[]>> get(String table, String key);

  /** Every entry of {@code table}, ordered by key. */
  CompletionStage<List<Entry>> list(String table);

  record Entry(String key, byte[] value) {}
}
