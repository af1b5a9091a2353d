package io.mainstay.actors.catalog;

import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The catalog of the main, backed by the store. It runs on the store's own dispatcher: LMDB writes block
 * on fsync, and one thread keeps them in order. A write is acknowledged only once it is durable and the
 * main has confirmed through ZooKeeper that it still is the main at its epoch, so a main that was paused
 * and deposed never acknowledges anything.
 *
 * <p>Group commit: writes are collected as they arrive and applied when the mailbox reaches a {@code
 * Flush}, which the first write of a batch sends: everything that queued up while the previous batch was
 * being committed shares one LMDB commit and one ZooKeeper confirmation. A write refused by the fence (a
 * newer epoch in the store, or no confirmation) is refused for everyone in its batch, since they all
 * carry the same epoch; a write that fails on its own (its nested transaction) fails alone.
 *
 * <p>A store error (closed, lock lost, LMDB failing) is answered as {@code Unavailable} to the caller that
 * met it. Anything else it throws stops this actor: its parent, the main, then cannot vouch for the store.
 */
public final class CatalogService extends AbstractBehavior<CatalogService.Command> {

  public sealed interface Command permits CatalogCommand, Close, Flush {}

  /** Ends this main's term in the store and closes it; answered once the store is closed, or failed to. */
  public record Close(ActorRef<Closed> replyTo) implements Command {}

  /** {@code problem}: why the term's end could not be recorded or the store not closed cleanly. */
  public record Closed(Optional<String> problem) {}

  /** Applies the writes collected since the last one, in one commit. */
  private record Flush() implements Command {}

  /** A write waiting for its batch: applying it in the batch's transaction gives the reply to send once confirmed. */
  private record Pending(CatalogCommand command, Supplier<CatalogReply> apply) {}

  private final String node;
  private final MetadataStore store;
  private final long epoch;
  private final ClusterCoordination coordination;
  private final Duration confirmTimeout;
  private final List<Pending> batch = new ArrayList<>();

  public static Behavior<Command> create(
      String node, MetadataStore store, long epoch, ClusterCoordination coordination, Duration confirmTimeout) {
    return Behaviors.setup(ctx -> new CatalogService(ctx, node, store, epoch, coordination, confirmTimeout));
  }

  private CatalogService(
      ActorContext<Command> context,
      String node,
      MetadataStore store,
      long epoch,
      ClusterCoordination coordination,
      Duration confirmTimeout) {
    super(context);
    context.setLoggerName(CatalogService.class);
    this.node = node;
    this.store = store;
    this.epoch = epoch;
    this.coordination = coordination;
    this.confirmTimeout = confirmTimeout;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CatalogCommand.Put.class, this::onPut)
        .onMessage(CatalogCommand.Get.class, this::onGet)
        .onMessage(CatalogCommand.Delete.class, this::onDelete)
        .onMessage(CatalogCommand.List.class, this::onList)
        .onMessage(CatalogCommand.Epochs.class, this::onEpochs)
        .onMessage(CatalogCommand.TablePut.class, this::onTablePut)
        .onMessage(CatalogCommand.TableDelete.class, this::onTableDelete)
        .onMessage(CatalogCommand.TableGet.class, this::onTableGet)
        .onMessage(CatalogCommand.TableList.class, this::onTableList)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(Close.class, this::onClose)
        .build();
  }

  private Behavior<Command> onPut(CatalogCommand.Put put) {
    return collect(put, () -> {
      long version = store.catalog().put(put.name(), put.document(), epoch).version();
      return new CatalogReply.Written(put.name(), version, epoch);
    });
  }

  private Behavior<Command> onDelete(CatalogCommand.Delete delete) {
    return collect(delete, () -> store.catalog().delete(delete.name(), epoch)
        ? new CatalogReply.Deleted(delete.name(), epoch)
        : new CatalogReply.NotFound(delete.name()));
  }

  private Behavior<Command> onTablePut(CatalogCommand.TablePut put) {
    return collect(put, () -> new CatalogReply.TableWritten(
        store.tables().put(put.namespace(), put.table(), put.key(), put.value(), epoch), epoch));
  }

  private Behavior<Command> onTableDelete(CatalogCommand.TableDelete delete) {
    return collect(delete, () -> new CatalogReply.TableWritten(
        store.tables().delete(delete.namespace(), delete.table(), delete.key(), epoch), epoch));
  }

  private Behavior<Command> collect(CatalogCommand command, Supplier<CatalogReply> apply) {
    if (batch.isEmpty()) {
      getContext().getSelf().tell(new Flush());
    }
    batch.add(new Pending(command, apply));
    return this;
  }

  private Behavior<Command> onFlush(Flush flush) {
    commitBatch();
    return this;
  }

  /** One commit and one confirmation for every write collected; each caller gets its own answer. */
  private void commitBatch() {
    if (batch.isEmpty()) {
      return;
    }
    List<Pending> writes = List.copyOf(batch);
    batch.clear();
    List<CatalogReply> replies;
    try {
      replies = store.commitTogether(() -> writes.stream().map(CatalogService::applyAlone).toList());
    } catch (StoreException e) {
      CatalogReply refused = unavailable("store refused the write: " + e.getMessage());
      writes.forEach(w -> reply(w.command(), refused));
      return;
    }
    Optional<CatalogReply> deposed = replies.stream().anyMatch(CatalogService::applied) ? confirmed() : Optional.empty();
    for (int i = 0; i < writes.size(); i++) {
      CatalogReply reply = replies.get(i);
      reply(writes.get(i).command(), applied(reply) ? deposed.orElse(reply) : reply);
    }
  }

  /** A write that changed the store (or found nothing to delete): it needs the confirmation. */
  private static boolean applied(CatalogReply reply) {
    return !(reply instanceof CatalogReply.Unavailable || reply instanceof CatalogReply.Invalid);
  }

  private static CatalogReply applyAlone(Pending write) {
    try {
      return write.apply().get();
    } catch (StoreException e) {
      return unavailable("store refused the write: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      return new CatalogReply.Invalid(e.getMessage());
    }
  }

  private Behavior<Command> onGet(CatalogCommand.Get get) {
    return read(
        get,
        () ->
            store
                .catalog()
                .get(get.name())
                .<CatalogReply>map(CatalogReply.Found::new)
                .orElse(new CatalogReply.NotFound(get.name())));
  }

  private Behavior<Command> onList(CatalogCommand.List list) {
    return read(list, () -> new CatalogReply.Listing(store.catalog().list()));
  }

  private Behavior<Command> onEpochs(CatalogCommand.Epochs epochs) {
    return read(epochs, () -> new CatalogReply.EpochHistory(store.history()));
  }

  private Behavior<Command> onTableGet(CatalogCommand.TableGet get) {
    return read(get, () -> new CatalogReply.TableValue(store.tables().get(get.namespace(), get.table(), get.key())));
  }

  private Behavior<Command> onTableList(CatalogCommand.TableList list) {
    return read(list, () -> new CatalogReply.TableEntries(store.tables().list(list.namespace(), list.table())));
  }

  private Behavior<Command> read(CatalogCommand command, Supplier<CatalogReply> answer) {
    try {
      reply(command, answer.get());
    } catch (IllegalArgumentException e) {
      reply(command, new CatalogReply.Invalid(e.getMessage()));
    } catch (StoreException e) {
      getContext().getLog().warn("node {} epoch {}: store read failed: {}", node, epoch, e.toString());
      reply(command, unavailable("store could not be read: " + e.getMessage()));
    }
    return this;
  }

  /**
   * A graceful stop waits for this answer, so it comes whatever fails: the lock is released and the
   * process exits after it either way, and the operator reads why the term's end is missing.
   */
  private Behavior<Command> onClose(Close close) {
    commitBatch(); // writes queued before the stop are answered, and acknowledged ones are in the store
    Optional<String> problem = Optional.empty();
    try {
      store.endEpoch(epoch, Instant.now());
    } catch (RuntimeException e) {
      getContext().getLog().error(
          "node {} epoch {}: could not record the end of the term in the store: {}", node, epoch, e.toString());
      problem = Optional.of("could not record the end of epoch " + epoch + " in the store: " + e.getMessage());
    }
    try {
      store.close();
    } catch (RuntimeException e) {
      getContext().getLog().error("node {} epoch {}: could not close the store: {}", node, epoch, e.toString());
      problem = Optional.of(problem.map(p -> p + "; ").orElse("") + "could not close the store: " + e.getMessage());
    }
    close.replyTo().tell(new Closed(problem));
    return Behaviors.stopped();
  }

  /** Empty when this node is still the main at its epoch; otherwise the refusal to send instead. */
  private Optional<CatalogReply> confirmed() {
    try {
      coordination
          .confirmMain(epoch)
          .toCompletableFuture()
          .get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(unavailable("interrupted while confirming main status"));
    } catch (Exception e) {
      getContext().getLog().warn(
          "node {} epoch {}: could not confirm main status, write not acknowledged: {}", node, epoch, e.toString());
      return Optional.of(unavailable("could not confirm this node is still the main at epoch " + epoch));
    }
  }

  private static CatalogReply unavailable(String reason) {
    return new CatalogReply.Unavailable(reason, Optional.empty());
  }

  private static void reply(CatalogCommand command, CatalogReply reply) {
    command.replyTo().tell(reply);
  }
}
