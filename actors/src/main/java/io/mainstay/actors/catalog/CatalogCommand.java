package io.mainstay.actors.catalog;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Requests on the main's metadata: the catalog, the history of epochs (who was main when) and the
 * extensions' tables. Names are checked by the caller; documents are JSON bytes.
 */
public sealed interface CatalogCommand extends CatalogService.Command {

  ActorRef<CatalogReply> replyTo();

  record Put(String name, byte[] document, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record Get(String name, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record Delete(String name, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record List(ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record Epochs(ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  /** Writes into an extension's table ({@code namespace}: the extension's name); answered TableWritten. */
  record TablePut(String namespace, String table, String key, byte[] value, ActorRef<CatalogReply> replyTo)
      implements CatalogCommand {}

  record TableDelete(String namespace, String table, String key, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  /** Answered TableValue. */
  record TableGet(String namespace, String table, String key, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  /** Answered TableEntries. */
  record TableList(String namespace, String table, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}
}
