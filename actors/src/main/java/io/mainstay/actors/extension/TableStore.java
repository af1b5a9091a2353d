package io.mainstay.actors.extension;

import io.mainstay.actors.catalog.CatalogCommand;
import io.mainstay.actors.catalog.CatalogReply;
import io.mainstay.actors.catalog.CatalogService;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.StoreUnavailableException;
import io.mainstay.store.Tables;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * An extension's view of the store: its requests go to the main's catalog service, whose group commit
 * and ZooKeeper confirmation every write shares. Nothing is sent while the main is fenced.
 */
final class TableStore implements ExtensionStore {

  private final String extension;
  private final ActorRef<CatalogService.Command> catalog;
  private final BooleanSupplier fenced;
  private final Duration timeout;
  private final Scheduler scheduler;

  TableStore(String extension, ActorRef<CatalogService.Command> catalog, BooleanSupplier fenced, Duration timeout, Scheduler scheduler) {
    this.extension = extension;
    this.catalog = catalog;
    this.fenced = fenced;
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  @Override
  public CompletionStage<Void> put(String table, String key, byte[] value) {
    return ask(replyTo -> new CatalogCommand.TablePut(extension, table, key, value, replyTo), CatalogReply.TableWritten.class)
        .thenApply(written -> null);
  }

  @Override
  public CompletionStage<Boolean> delete(String table, String key) {
    return ask(replyTo -> new CatalogCommand.TableDelete(extension, table, key, replyTo), CatalogReply.TableWritten.class)
        .thenApply(CatalogReply.TableWritten::existed);
  }

  @Override
  public CompletionStage<Optional<byte[]>> get(String table, String key) {
    return ask(replyTo -> new CatalogCommand.TableGet(extension, table, key, replyTo), CatalogReply.TableValue.class)
        .thenApply(CatalogReply.TableValue::value);
  }

  @Override
  public CompletionStage<List<Entry>> list(String table) {
    return ask(replyTo -> new CatalogCommand.TableList(extension, table, replyTo), CatalogReply.TableEntries.class)
        .thenApply(found -> found.entries().stream().map(TableStore::entry).toList());
  }

  private static Entry entry(Tables.Entry entry) {
    return new Entry(entry.key(), entry.value());
  }

  private <R extends CatalogReply> CompletionStage<R> ask(
      Function<ActorRef<CatalogReply>, CatalogCommand> request, Class<R> expected) {
    if (fenced.getAsBoolean()) {
      return CompletableFuture.failedFuture(new StoreUnavailableException("the main is fenced: its ZooKeeper connection is suspended"));
    }
    return AskPattern.<CatalogService.Command, CatalogReply>ask(catalog, request::apply, timeout, scheduler)
        .thenApply(reply -> {
          if (expected.isInstance(reply)) {
            return expected.cast(reply);
          }
          if (reply instanceof CatalogReply.Invalid invalid) {
            throw new IllegalArgumentException(invalid.reason());
          }
          if (reply instanceof CatalogReply.Unavailable unavailable) {
            throw new StoreUnavailableException(unavailable.reason());
          }
          throw new IllegalStateException("unexpected answer of the store: " + reply);
        });
  }
}
