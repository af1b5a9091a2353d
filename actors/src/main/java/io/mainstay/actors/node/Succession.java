package io.mainstay.actors.node;

import io.mainstay.actors.Failures;
import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.ElectionEntry;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreLock;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The standby next in line watching for the main's death through the store lock, so that a crashed main
 * costs the time the kernel takes to free its lock rather than a ZooKeeper session timeout.
 *
 * <p>While the published main is the leader directly ahead of this node, a thread waits for the store lock
 * ({@link LockWait}). The main holds that lock from before it is published until it can no longer write: it
 * releases it only by closing the store in a graceful stop, or by its process ending. So taking the lock
 * proves the main is gone; the waiting thread opens the store at once, and this node hands both to its
 * parent ({@link Succeeded}), whose takeover
 * removes the dead main's record and election entry in the transaction that publishes this node
 * ({@link ClusterCoordination#takeMain}): it does not wait for the election, whose latch names this node
 * once the entry is gone. Only the next in line waits, so two standbys never race for it. A main that is
 * merely paused or cut off keeps its lock: nothing happens here, and the session timeout decides as before.
 */
public final class Succession {

  public sealed interface Command {}

  /** The published main, forwarded by the parent from ZooKeeper. */
  public record MainChanged(Optional<MainRecord> main) implements Command {}

  /** Who is directly ahead of this node, when that is the leader; forwarded by the parent. */
  public record NextInLine(Optional<ElectionEntry> leader) implements Command {}

  /**
   * Whether this node's ZooKeeper connection is up; forwarded by the parent. Being next in line is a fact
   * of ZooKeeper, known only while connected: a main that ends during an outage has lost its session, and
   * nobody can take its epoch before ZooKeeper is back.
   */
  public record ConnectionChanged(boolean connected) implements Command {}

  private record LockAttempt(Optional<LockWait.Held> held, Optional<Throwable> failure) implements Command {}

  /**
   * To the parent: {@code dead} is gone; {@code lock}, the store lock it held, and {@code store}, opened
   * under it, are the parent's now. Sent once; the parent then stops the succession.
   */
  public record Succeeded(StoreLock lock, MetadataStore store, DeadMain dead) implements NodeSupervisor.Command {
    /** For a parent that cannot use them: closes the store, then releases the lock. */
    public void release() {
      store.close();
      lock.close();
    }
  }

  private final ActorContext<Command> context;
  private final NodeIdentity identity;
  private final ActorRef<Succeeded> parent;
  private final long storeMapSize;
  private Optional<MainRecord> main = Optional.empty();
  private Optional<ElectionEntry> leader = Optional.empty();
  private boolean connected = true;

  /** @param storeMapSize what the store is opened with once the lock is taken */
  public static Behavior<Command> create(NodeIdentity identity, long storeMapSize, ActorRef<Succeeded> parent) {
    return Behaviors.setup(ctx -> new Succession(ctx, identity, storeMapSize, parent).watching());
  }

  private Succession(ActorContext<Command> context, NodeIdentity identity, long storeMapSize, ActorRef<Succeeded> parent) {
    context.setLoggerName(Succession.class);
    this.context = context;
    this.identity = identity;
    this.storeMapSize = storeMapSize;
    this.parent = parent;
  }

  /** Not next behind a published main: nothing to wait for. */
  private Behavior<Command> watching() {
    return Behaviors.receive(Command.class)
        .onMessage(MainChanged.class, changed -> {
          main = changed.main();
          return waitIfNext();
        })
        .onMessage(NextInLine.class, next -> {
          leader = next.leader();
          return waitIfNext();
        })
        .onMessage(ConnectionChanged.class, changed -> {
          connected = changed.connected();
          return waitIfNext();
        })
        .onMessage(LockAttempt.class, late -> {
          late.held().ifPresent(LockWait.Held::release);
          return Behaviors.same();
        })
        .build();
  }

  /**
   * Waits when connected and the published main is the leader directly ahead; watches otherwise. After a new
   * session the line is the one last reported: the election line reports again only when who is ahead
   * changes, and a stale place costs nothing, as the lock admits one waiter and the takeover's transaction
   * checks the dead main's entries.
   */
  private Behavior<Command> waitIfNext() {
    if (!connected || leader.isEmpty() || main.isEmpty() || !leader.get().node().equals(main.get().node())) {
      return watching();
    }
    ElectionEntry awaited = leader.get();
    MainRecord awaitedMain = main.get();
    context.getLog().info(
        "node {}: next in line behind main {} (epoch {}); waiting on the store lock {} for its end",
        identity.name(), awaitedMain.node(), awaitedMain.epoch(), identity.localPath());
    LockWait wait = LockWait.start(identity.localPath(), identity.lockOwner(), storeMapSize);
    context.pipeToSelf(
        wait.result(),
        (held, failure) -> new LockAttempt(Optional.ofNullable(held), Optional.ofNullable(failure).map(Failures::unwrap)));
    return waiting(awaited, awaitedMain, wait);
  }

  /**
   * A thread waits for the lock. The main record may vanish meanwhile (a main stopping gracefully retracts it
   * after releasing the lock): the wait goes on. Only a change of who is ahead in line ends it.
   */
  private Behavior<Command> waiting(ElectionEntry awaited, MainRecord awaitedMain, LockWait wait) {
    return Behaviors.receive(Command.class)
        .onMessage(MainChanged.class, changed -> {
          main = changed.main();
          return Behaviors.same();
        })
        .onMessage(NextInLine.class, next -> {
          leader = next.leader();
          if (leader.equals(Optional.of(awaited))) {
            return Behaviors.same();
          }
          wait.cancel();
          context.getLog().info(
              "node {}: no longer next behind {}; stopped waiting on the store lock", identity.name(), awaited.node());
          return waitIfNext();
        })
        .onMessage(ConnectionChanged.class, changed -> {
          connected = changed.connected();
          if (connected) {
            return Behaviors.same();
          }
          wait.cancel();
          context.getLog().info(
              "node {}: ZooKeeper connection suspended; stopped waiting on the store lock until it is back",
              identity.name());
          return watching();
        })
        .onMessage(LockAttempt.class, attempt -> onLockAttempt(attempt, awaited, awaitedMain))
        .onSignal(PostStop.class, stopped -> {
          wait.cancel();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onLockAttempt(LockAttempt attempt, ElectionEntry awaited, MainRecord awaitedMain) {
    if (attempt.held().isEmpty()) {
      Throwable failure = attempt.failure().orElseThrow();
      if (!(failure instanceof CancellationException)) {
        context.getLog().warn(
            "node {}: waiting on the store lock failed ({}); a crash of main {} now costs its session timeout",
            identity.name(), failure.toString(), awaitedMain.node());
      }
      return watching();
    }
    context.getLog().info(
        "node {}: store lock free: main {} of epoch {} has ended; taking over",
        identity.name(), awaitedMain.node(), awaitedMain.epoch());
    LockWait.Held held = attempt.held().get();
    parent.tell(new Succeeded(held.lock(), held.store(), new DeadMain(awaited, awaitedMain)));
    return Behaviors.ignore();
  }
}
