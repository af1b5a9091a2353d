package io.mainstay.actors.storage;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Requests on the main's store: the services' tables ({@code namespace}: the service's name, the
 * catalog's or an extension's) and the history of epochs (who was main when). Names are checked by the
 * store.
 */
public sealed interface StoreCommand extends StoreService.Command {

  ActorRef<StoreReply> replyTo();

  /** Answered TableWritten once durable and confirmed. */
  record TablePut(String namespace, String table, String key, byte[] value, ActorRef<StoreReply> replyTo)
      implements StoreCommand {}

  /** Answered TableDeleted once durable and confirmed. */
  record TableDelete(String namespace, String table, String key, ActorRef<StoreReply> replyTo) implements StoreCommand {}

  /** Answered TableValue. */
  record TableGet(String namespace, String table, String key, ActorRef<StoreReply> replyTo) implements StoreCommand {}

  /** Answered TableEntries. */
  record TableList(String namespace, String table, ActorRef<StoreReply> replyTo) implements StoreCommand {}

  /** Answered TableVersions. */
  record TableVersions(String namespace, String table, ActorRef<StoreReply> replyTo) implements StoreCommand {}

  /** Answered EpochHistory. */
  record Epochs(ActorRef<StoreReply> replyTo) implements StoreCommand {}
}
