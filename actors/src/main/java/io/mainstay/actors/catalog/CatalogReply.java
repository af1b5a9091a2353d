package io.mainstay.actors.catalog;

import io.mainstay.store.CatalogEntry;
import io.mainstay.store.EpochRecord;
import io.mainstay.store.Tables;
import java.util.Optional;

/** Answers to {@link CatalogCommand}s. */
public sealed interface CatalogReply {

  /** Durable in the store and confirmed as written by the current main. */
  record Written(String name, long version, long epoch) implements CatalogReply {}

  record Found(CatalogEntry entry) implements CatalogReply {}

  record Listing(java.util.List<CatalogEntry.Summary> entries) implements CatalogReply {}

  /** Every main's term, ascending by epoch: the audit trail that at most one main held each epoch. */
  record EpochHistory(java.util.List<EpochRecord> epochs) implements CatalogReply {}

  record Deleted(String name, long epoch) implements CatalogReply {}

  record NotFound(String name) implements CatalogReply {}

  /** A table write, durable and confirmed like {@link Written}; {@code existed}: the key held a value before. */
  record TableWritten(boolean existed, long epoch) implements CatalogReply {}

  record TableValue(Optional<byte[]> value) implements CatalogReply {}

  record TableEntries(java.util.List<Tables.Entry> entries) implements CatalogReply {}

  /** The request breaks a rule of the store (a name, a key); {@code reason} says which. */
  record Invalid(String reason) implements CatalogReply {}

  /** This node cannot serve the request now; {@code mainUrl} says where the main is, if known. */
  record Unavailable(String reason, Optional<String> mainUrl) implements CatalogReply {}
}
