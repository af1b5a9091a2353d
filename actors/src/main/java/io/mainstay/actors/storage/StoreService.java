package io.mainstay.actors.storage;

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
 * The main's store, for every service of the main (the catalog, the extensions): their tables and the
 * epoch history. It runs on the store's own dispatcher: LMDB writes block on fsync, and one thread keeps
 * them in order. A write is acknowledged only once it is durable and the
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
public final class StoreService extends AbstractBehavior<StoreService.Command> {

  public sealed interface Command permits StoreCommand, Close, Flush {}

  /** Ends this main's term in the store and closes it; answered once the store is closed, or failed to. */
  public record Close(ActorRef<Closed> replyTo) implements Command {}

  /** {@code problem}: why the term's end could not be recorded or the store not closed cleanly. */
  public record Closed(Optional<String> problem) {}

  /** Applies the writes collected since the last one, in one commit. */
  private record Flush() implements Command {}

  /** A write waiting for its batch: applying it in the batch's transaction gives the reply to send once confirmed. */
  private record Pending(StoreCommand command, Supplier<StoreReply> apply) {}

  private final String node;
  private final MetadataStore store;
  private final long epoch;
  private final ClusterCoordination coordination;
  private final Duration confirmTimeout;
  private final List<Pending> batch = new ArrayList<>();

  public static Behavior<Command> create(
      String node, MetadataStore store, long epoch, ClusterCoordination coordination, Duration confirmTimeout) {
    return Behaviors.setup(ctx -> new StoreService(ctx, node, store, epoch, coordination, confirmTimeout));
  }

  private StoreService(
      ActorContext<Command> context,
      String node,
      MetadataStore store,
      long epoch,
      ClusterCoordination coordination,
      Duration confirmTimeout) {
    super(context);
    context.setLoggerName(StoreService.class);
    this.node = node;
    this.store = store;
    this.epoch = epoch;
    this.coordination = coordination;
    this.confirmTimeout = confirmTimeout;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StoreCommand.TablePut.class, this::onTablePut)
        .onMessage(StoreCommand.TableDelete.class, this::onTableDelete)
        .onMessage(StoreCommand.TableGet.class, this::onTableGet)
        .onMessage(StoreCommand.TableList.class, this::onTableList)
        .onMessage(StoreCommand.TableVersions.class, this::onTableVersions)
        .onMessage(StoreCommand.Epochs.class, this::onEpochs)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(Close.class, this::onClose)
        .build();
  }

  private Behavior<Command> onTablePut(StoreCommand.TablePut put) {
    return collect(put, () -> new StoreReply.TableWritten(
        store.tables().put(put.namespace(), put.table(), put.key(), put.value(), epoch).version(), epoch));
  }

  private Behavior<Command> onTableDelete(StoreCommand.TableDelete delete) {
    return collect(delete, () -> new StoreReply.TableDeleted(
        store.tables().delete(delete.namespace(), delete.table(), delete.key(), epoch), epoch));
  }

  private Behavior<Command> collect(StoreCommand command, Supplier<StoreReply> apply) {
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
    List<StoreReply> replies;
    try {
      replies = store.commitTogether(() -> writes.stream().map(StoreService::applyAlone).toList());
    } catch (StoreException e) {
      StoreReply refused = unavailable("store refused the write: " + e.getMessage());
      writes.forEach(w -> reply(w.command(), refused));
      return;
    }
    Optional<StoreReply> deposed = replies.stream().anyMatch(StoreService::applied) ? confirmed() : Optional.empty();
    for (int i = 0; i < writes.size(); i++) {
      StoreReply reply = replies.get(i);
      reply(writes.get(i).command(), applied(reply) ? deposed.orElse(reply) : reply);
    }
  }

  /** A write that changed the store (or found nothing to delete): it needs the confirmation. */
  private static boolean applied(StoreReply reply) {
    return !(reply instanceof StoreReply.Unavailable || reply instanceof StoreReply.Invalid);
  }

  private static StoreReply applyAlone(Pending write) {
    try {
      return write.apply().get();
    } catch (StoreException e) {
      return unavailable("store refused the write: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      return new StoreReply.Invalid(e.getMessage());
    }
  }

  private Behavior<Command> onEpochs(StoreCommand.Epochs epochs) {
    return read(epochs, () -> new StoreReply.EpochHistory(store.history()));
  }

  private Behavior<Command> onTableGet(StoreCommand.TableGet get) {
    return read(get, () -> new StoreReply.TableValue(store.tables().get(get.namespace(), get.table(), get.key())));
  }

  private Behavior<Command> onTableList(StoreCommand.TableList list) {
    return read(list, () -> new StoreReply.TableEntries(store.tables().list(list.namespace(), list.table())));
  }

  private Behavior<Command> onTableVersions(StoreCommand.TableVersions versions) {
    return read(versions, () -> new StoreReply.TableVersions(store.tables().versions(versions.namespace(), versions.table())));
  }

  private Behavior<Command> read(StoreCommand command, Supplier<StoreReply> answer) {
    try {
      reply(command, answer.get());
    } catch (IllegalArgumentException e) {
      reply(command, new StoreReply.Invalid(e.getMessage()));
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
  private Optional<StoreReply> confirmed() {
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

  private static StoreReply unavailable(String reason) {
    return new StoreReply.Unavailable(reason, Optional.empty());
  }

  private static void reply(StoreCommand command, StoreReply reply) {
    command.replyTo().tell(reply);
  }
}
