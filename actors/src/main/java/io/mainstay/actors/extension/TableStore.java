package io.mainstay.actors.extension;

import io.mainstay.actors.storage.StoreCommand;
import io.mainstay.actors.storage.StoreReply;
import io.mainstay.actors.storage.StoreService;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.StoreUnavailableException;
import io.mainstay.store.TableEntry;
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
 * A service's view of the store: its requests go to the main's store service, whose group commit and
 * ZooKeeper confirmation every write shares. Nothing is sent while the main is fenced.
 */
final class TableStore implements ExtensionStore {

  private final String extension;
  private final ActorRef<StoreService.Command> store;
  private final BooleanSupplier fenced;
  private final Duration timeout;
  private final Scheduler scheduler;

  TableStore(String extension, ActorRef<StoreService.Command> store, BooleanSupplier fenced, Duration timeout, Scheduler scheduler) {
    this.extension = extension;
    this.store = store;
    this.fenced = fenced;
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  @Override
  public CompletionStage<Long> put(String table, String key, byte[] value) {
    return ask(replyTo -> new StoreCommand.TablePut(extension, table, key, value, replyTo), StoreReply.TableWritten.class)
        .thenApply(StoreReply.TableWritten::version);
  }

  @Override
  public CompletionStage<Boolean> delete(String table, String key) {
    return ask(replyTo -> new StoreCommand.TableDelete(extension, table, key, replyTo), StoreReply.TableDeleted.class)
        .thenApply(StoreReply.TableDeleted::existed);
  }

  @Override
  public CompletionStage<Optional<Entry>> get(String table, String key) {
    return ask(replyTo -> new StoreCommand.TableGet(extension, table, key, replyTo), StoreReply.TableValue.class)
        .thenApply(found -> found.entry().map(TableStore::entry));
  }

  @Override
  public CompletionStage<List<Entry>> list(String table) {
    return ask(replyTo -> new StoreCommand.TableList(extension, table, replyTo), StoreReply.TableEntries.class)
        .thenApply(found -> found.entries().stream().map(TableStore::entry).toList());
  }

  @Override
  public CompletionStage<List<Version>> versions(String table) {
    return ask(replyTo -> new StoreCommand.TableVersions(extension, table, replyTo), StoreReply.TableVersions.class)
        .thenApply(found -> found.versions().stream().map(v -> new Version(v.key(), v.version())).toList());
  }

  private static Entry entry(TableEntry entry) {
    return new Entry(entry.key(), entry.value(), entry.version(), entry.epoch(), entry.updated());
  }

  private <R extends StoreReply> CompletionStage<R> ask(
      Function<ActorRef<StoreReply>, StoreCommand> request, Class<R> expected) {
    if (fenced.getAsBoolean()) {
      return CompletableFuture.failedFuture(new StoreUnavailableException("the main is fenced: its ZooKeeper connection is suspended"));
    }
    return AskPattern.<StoreService.Command, StoreReply>ask(store, request::apply, timeout, scheduler)
        .thenApply(reply -> {
          if (expected.isInstance(reply)) {
            return expected.cast(reply);
          }
          if (reply instanceof StoreReply.Invalid invalid) {
            throw new IllegalArgumentException(invalid.reason());
          }
          if (reply instanceof StoreReply.Unavailable unavailable) {
            throw new StoreUnavailableException(unavailable.reason());
          }
          throw new IllegalStateException("unexpected answer of the store: " + reply);
        });
  }
}
