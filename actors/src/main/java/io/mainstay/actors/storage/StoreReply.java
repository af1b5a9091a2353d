package io.mainstay.actors.storage;

import io.mainstay.store.EpochRecord;
import io.mainstay.store.TableEntry;
import java.util.List;
import java.util.Optional;

/** Answers to {@link StoreCommand}s. */
public sealed interface StoreReply {

  /** Durable in the store and confirmed as written by the current main, at {@code version} of its key. */
  record TableWritten(long version, long epoch) implements StoreReply {}

  /** Durable and confirmed like {@link TableWritten}; {@code existed}: the key held a value. */
  record TableDeleted(boolean existed, long epoch) implements StoreReply {}

  record TableValue(Optional<TableEntry> entry) implements StoreReply {}

  record TableEntries(List<TableEntry> entries) implements StoreReply {}

  record TableVersions(List<TableEntry.Version> versions) implements StoreReply {}

  /** Every main's term, ascending by epoch: the audit trail that at most one main held each epoch. */
  record EpochHistory(List<EpochRecord> epochs) implements StoreReply {}

  /** The request breaks a rule of the store (a name, a key); {@code reason} says which. */
  record Invalid(String reason) implements StoreReply {}

  /** This node cannot serve the request now; {@code mainUrl} says where the main is, if known. */
  record Unavailable(String reason, Optional<String> mainUrl) implements StoreReply {}
}
