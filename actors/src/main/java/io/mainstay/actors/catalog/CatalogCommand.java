package io.mainstay.actors.catalog;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Requests on the main's metadata: the catalog, and the history of epochs (who was main when). Names are
 * checked by the caller; documents are JSON bytes.
 */
public sealed interface CatalogCommand extends CatalogService.Command {

  ActorRef<CatalogReply> replyTo();

  record Put(String name, byte[] document, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record Get(String name, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record Delete(String name, ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record List(ActorRef<CatalogReply> replyTo) implements CatalogCommand {}

  record Epochs(ActorRef<CatalogReply> replyTo) implements CatalogCommand {}
}
