package io.mainstay.actors.catalog;

import io.mainstay.actors.Failures;
import io.mainstay.extension.MainContext;
import io.mainstay.extension.MainService;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The catalog's main service: each request is one call on its store table, answered when the store
 * answers. The answer goes from the store's future straight to the caller, not through this actor's
 * mailbox, so a write in flight when a graceful stop ends this service is still answered once the store
 * has committed it (or refused it). Versions are the store's: a put of a name in flight with another one
 * gets the next version inside the store's transaction.
 */
public final class CatalogDocuments implements MainService<CatalogDocuments.Command> {

  /** The store table of the catalog's entries, keyed by name. */
  static final String TABLE = "entries";

  public sealed interface Command {}

  public record Put(String name, byte[] document, ActorRef<CatalogReply> replyTo) implements Command {}

  public record Get(String name, ActorRef<CatalogReply> replyTo) implements Command {}

  public record Delete(String name, ActorRef<CatalogReply> replyTo) implements Command {}

  public record List(ActorRef<CatalogReply> replyTo) implements Command {}

  @Override
  public Behavior<Command> create(MainContext<Command> main) {
    return Behaviors.receive(Command.class)
        .onMessage(Put.class, put -> answer(put.replyTo(), main.store().put(TABLE, put.name(), put.document()),
            version -> new CatalogReply.Written(put.name(), version, main.epoch())))
        .onMessage(Get.class, get -> answer(get.replyTo(), main.store().get(TABLE, get.name()),
            found -> found.<CatalogReply>map(e -> new CatalogReply.Found(e.key(), e.version(), e.epoch(), e.updated(), e.value()))
                .orElse(new CatalogReply.NotFound(get.name()))))
        .onMessage(Delete.class, delete -> answer(delete.replyTo(), main.store().delete(TABLE, delete.name()),
            existed -> existed ? new CatalogReply.Deleted(delete.name(), main.epoch()) : new CatalogReply.NotFound(delete.name())))
        .onMessage(List.class, list -> answer(list.replyTo(), main.store().versions(TABLE), CatalogReply.Listing::new))
        .build();
  }

  private static <T> Behavior<Command> answer(
      ActorRef<CatalogReply> replyTo, CompletionStage<T> result, Function<T, CatalogReply> reply) {
    result.whenComplete((value, failure) -> replyTo.tell(
        failure == null ? reply.apply(value) : new CatalogReply.Unavailable(Failures.unwrap(failure).getMessage())));
    return Behaviors.same();
  }
}
