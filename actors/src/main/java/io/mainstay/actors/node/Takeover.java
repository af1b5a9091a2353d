package io.mainstay.actors.node;

import io.mainstay.actors.Failures;
import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * From elected to main: take the store lock unless a {@link Succession} already holds it, with the store open (retrying, and
 * naming its holder in the log while it waits), open LMDB while ZooKeeper's epoch is read, record the next
 * epoch in the store, then in one ZooKeeper transaction take that epoch by compare-and-set, publish the main
 * record and remove what a dead predecessor left. Each durable step happens once: one LMDB commit, one
 * quorum write. The epoch is recorded in the store before ZooKeeper names this node, which is safe because
 * only the holder of the lock takes epochs: should the transaction fail, the store holds an epoch nobody
 * served, and the next takeover starts above it.
 * What blocks (the shared volume, ZooKeeper) runs on the blocking dispatcher and comes back as a message.
 * The takeover owns what it took until it hands it over in {@link TookOver}: told to {@link Abandon}, it
 * closes the store and releases the lock itself, so a graceful stop in the middle leaves nothing held.
 */
public final class Takeover {

  public sealed interface Command {}

  /** Stop where you are and release whatever you hold; answered with {@link Abandoned}. */
  public record Abandon() implements Command {}

  private record TryLock() implements Command {}

  private record LockAttempted(Optional<StoreLock> lock, Optional<Throwable> failure) implements Command {}

  private record Opened(MetadataStore store, MainRecord record) implements Command {}

  private record OpenFailed(Throwable cause) implements Command {}

  /**
   * What a takeover reports to its parent, the supervisor (whose protocol these are part of): LockTaken
   * along the way, then exactly one of the others.
   */
  public sealed interface Outcome extends NodeSupervisor.Command {}

  public record LockTaken() implements Outcome {}

  /** This node is the published main of {@code record.epoch()}; the store and the lock are the parent's now. */
  public record TookOver(MetadataStore store, StoreLock lock, MainRecord record) implements Outcome {}

  public record Failed(Throwable cause) implements Outcome {}

  public record Abandoned() implements Outcome {}

  /**
   * How often the lock is tried, how often the wait for it is logged, and the map size the store is opened
   * with.
   */
  public record Settings(Duration lockRetry, Duration lockWaitLogInterval, long storeMapSize) {
    public static Settings defaults() {
      return new Settings(Duration.ofMillis(50), Duration.ofSeconds(10), MetadataStore.DEFAULT_MAP_SIZE);
    }
  }

  /** The retry while a wait of this process for the lock winds down: far below {@link Settings#lockRetry}. */
  private static final Duration AWAITED_HERE_RETRY = Duration.ofMillis(2);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeIdentity identity;
  private final ClusterCoordination coordination;
  private final Settings settings;
  private final ActorRef<Outcome> parent;
  /** The main a succession proved gone, whose leftovers the transaction removes. */
  private final Optional<DeadMain> dead;
  private final java.util.concurrent.Executor blocking;
  private Instant lockWaitLoggedAt = Instant.EPOCH;

  /**
   * @param succeeded when a {@link Succession} took the lock from a dead main: the takeover starts with the
   *     store it opened, and removes the dead main's leftovers in its transaction
   */
  public static Behavior<Command> create(
      NodeIdentity identity,
      ClusterCoordination coordination,
      Settings settings,
      ActorRef<Outcome> parent,
      Optional<Succession.Succeeded> succeeded) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Takeover takeover =
                      new Takeover(ctx, timers, identity, coordination, settings, parent, succeeded.map(Succession.Succeeded::dead));
                  return succeeded.map(s -> takeover.locked(s.lock(), Optional.of(s.store()))).orElseGet(takeover::tryLock);
                }));
  }

  private Takeover(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      NodeIdentity identity,
      ClusterCoordination coordination,
      Settings settings,
      ActorRef<Outcome> parent,
      Optional<DeadMain> dead) {
    context.setLoggerName(Takeover.class);
    this.context = context;
    this.timers = timers;
    this.identity = identity;
    this.coordination = coordination;
    this.settings = settings;
    this.parent = parent;
    this.dead = dead;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** Between two attempts: nothing is held. */
  private Behavior<Command> waitingForLock() {
    return Behaviors.receive(Command.class)
        .onMessage(TryLock.class, tick -> tryLock())
        .onMessage(Abandon.class, abandon -> abandoned())
        .build();
  }

  private Behavior<Command> tryLock() {
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> tryAcquire(identity.lockOwner()), blocking),
        (acquired, failure) ->
            new LockAttempted(
                acquired == null ? Optional.empty() : acquired, Optional.ofNullable(failure).map(Failures::unwrap)));
    return lockAttempt(false);
  }

  private Optional<StoreLock> tryAcquire(String owner) {
    try {
      return StoreLock.tryAcquire(identity.localPath(), owner);
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /** An attempt is on the blocking dispatcher; it may come back with the lock, which is then ours to close. */
  private Behavior<Command> lockAttempt(boolean abandon) {
    return Behaviors.receive(Command.class)
        .onMessage(
            LockAttempted.class,
            attempt -> abandon ? release(attempt.lock(), Optional.empty()) : onLockAttempted(attempt))
        .onMessage(Abandon.class, a -> lockAttempt(true))
        .build();
  }

  private Behavior<Command> onLockAttempted(LockAttempted attempt) {
    if (attempt.lock().isPresent()) {
      return locked(attempt.lock().get(), Optional.empty());
    }
    Instant now = Instant.now();
    if (Duration.between(lockWaitLoggedAt, now).compareTo(settings.lockWaitLogInterval()) >= 0) {
      lockWaitLoggedAt = now;
      String reason =
          attempt
              .failure()
              .map(Throwable::toString)
              .orElseGet(() -> "held by " + StoreLock.holder(identity.localPath()).orElse("an unknown process"));
      context.getLog().info(
          "node {}: elected, waiting for the store lock on {} ({})", identity.name(), identity.localPath(), reason);
    }
    // a succession's wait here, cancelled as this node was elected, lets go of the lock file in a moment
    Duration retry = StoreLock.awaitedHere(identity.localPath()) ? AWAITED_HERE_RETRY : settings.lockRetry();
    timers.startSingleTimer(new TryLock(), retry);
    return waitingForLock();
  }

  /** @param openedBySuccession the store a succession opened with the lock; empty when it is this takeover's to open */
  private Behavior<Command> locked(StoreLock lock, Optional<MetadataStore> openedBySuccession) {
    parent.tell(new LockTaken());
    return open(lock, openedBySuccession);
  }

  /** Open the store, read the next epoch, record it, take it and publish: only then is this node the main. */
  private Behavior<Command> open(StoreLock lock, Optional<MetadataStore> openedBySuccession) {
    Instant since = Instant.now();
    // ZooKeeper's half of the next epoch is read while LMDB opens; the store's half is known once it is open
    CompletableFuture<Long> aboveZooKeeper = coordination.nextEpoch(0).toCompletableFuture();
    CompletableFuture<Opened> opening =
        openedBySuccession
            .map(CompletableFuture::completedFuture)
            .orElseGet(() -> CompletableFuture.supplyAsync(() -> MetadataStore.open(lock, settings.storeMapSize()), blocking))
            .thenCompose(
                store ->
                    aboveZooKeeper
                        .thenApplyAsync(
                            above -> {
                              long next = Math.max(above, store.epoch() + 1);
                              store.beginEpoch(next, identity.name(), since);
                              return new Opened(store, mainRecord(next, since));
                            },
                            blocking)
                        .thenCompose(opened -> coordination.takeMain(opened.record(), dead).thenApply(taken -> opened))
                        .whenComplete((ok, failure) -> closeOnFailure(store, failure)));
    context.pipeToSelf(
        opening, (opened, failure) -> failure == null ? opened : new OpenFailed(Failures.unwrap(failure)));
    return opening(lock, false);
  }

  private static void closeOnFailure(MetadataStore store, Throwable failure) {
    if (failure != null) {
      store.close();
    }
  }

  private MainRecord mainRecord(long epoch, Instant since) {
    return new MainRecord(identity.name(), identity.host(), identity.webUrl(), identity.pekkoAddress(), epoch, since);
  }

  /** The lock is held and the store is being opened: whatever comes back, the lock is released unless handed over. */
  private Behavior<Command> opening(StoreLock lock, boolean abandon) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Opened.class,
            opened -> abandon ? release(Optional.of(lock), Optional.of(opened.store())) : handOver(lock, opened))
        .onMessage(
            OpenFailed.class,
            failed -> abandon ? release(Optional.of(lock), Optional.empty()) : fail(lock, failed.cause()))
        .onMessage(Abandon.class, a -> opening(lock, true))
        .build();
  }

  private Behavior<Command> handOver(StoreLock lock, Opened opened) {
    parent.tell(new TookOver(opened.store(), lock, opened.record()));
    return Behaviors.stopped();
  }

  private Behavior<Command> fail(StoreLock lock, Throwable cause) {
    lock.close();
    parent.tell(new Failed(cause));
    return Behaviors.stopped();
  }

  private Behavior<Command> release(Optional<StoreLock> lock, Optional<MetadataStore> store) {
    store.ifPresent(MetadataStore::close);
    lock.ifPresent(StoreLock::close);
    return abandoned();
  }

  private Behavior<Command> abandoned() {
    parent.tell(new Abandoned());
    return Behaviors.stopped();
  }
}
