package io.mainstay.actors.catalog;

import io.mainstay.extension.ExtensionStore;
import java.time.Instant;
import java.util.List;

/** The catalog's answers. */
public sealed interface CatalogReply {

  /** Durable in the store and confirmed as written by the current main. */
  record Written(String name, long version, long epoch) implements CatalogReply {}

  /** An entry as stored: the document is the JSON bytes the client sent. */
  record Found(String name, long version, long epoch, Instant updated, byte[] document) implements CatalogReply {}

  record Listing(List<ExtensionStore.Version> entries) implements CatalogReply {}

  record Deleted(String name, long epoch) implements CatalogReply {}

  record NotFound(String name) implements CatalogReply {}

  /** The store refused or could not confirm: nothing here is acknowledged. */
  record Unavailable(String reason) implements CatalogReply {}
}
