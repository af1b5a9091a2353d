package io.mainstay.actors.node;

import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.DeadMain;
import io.mainstay.actors.coordination.MainRecord;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;

/** A ZooKeeper stand-in for one node: the test plays ZooKeeper by sending events, and breaks it by flags. */
public final class FakeCoordination implements ClusterCoordination {

  public final AtomicLong zkEpoch = new AtomicLong();
  public final AtomicBoolean confirmFails = new AtomicBoolean();
  public final AtomicInteger confirmations = new AtomicInteger();
  /** When set, confirmations wait for it: writes queue up behind the one being confirmed. */
  public final AtomicReference<CompletableFuture<Void>> confirmGate = new AtomicReference<>();
  public final AtomicBoolean epochFails = new AtomicBoolean();
  public final AtomicReference<MainRecord> published = new AtomicReference<>();
  /** The dead main whose leftovers the last take removed. */
  public final AtomicReference<Optional<DeadMain>> displaced = new AtomicReference<>(Optional.empty());
  /** The dead main whose leftovers were removed ahead of a takeover, if any. */
  public final AtomicReference<Optional<DeadMain>> leftoversRemoved = new AtomicReference<>(Optional.empty());
  public final CountDownLatch withdrawn = new CountDownLatch(1);
  public final AtomicBoolean successorInLine = new AtomicBoolean();
  /** Grant leadership inside {@link #start}, as Curator may: before the node hears it is registered. */
  public final AtomicBoolean grantOnStart = new AtomicBoolean();
  /** When set, the registration waits for it: the node stays starting, as while it joins the Pekko Cluster. */
  public final AtomicReference<CountDownLatch> registrationGate = new AtomicReference<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile ActorRef<CoordinationEvent> listener;

  @Override
  public void start(boolean candidate, ActorRef<CoordinationEvent> listener) throws InterruptedException {
    this.listener = listener;
    if (grantOnStart.get()) {
      listener.tell(new CoordinationEvent.LeadershipGranted());
    }
    started.countDown();
    CountDownLatch gate = registrationGate.get();
    if (gate != null) {
      gate.await();
    }
  }

  public void send(CoordinationEvent event) throws InterruptedException {
    started.await();
    listener.tell(event);
  }

  @Override
  public CompletionStage<Long> nextEpoch(long storeEpoch) {
    return CompletableFuture.completedFuture(Math.max(zkEpoch.get(), storeEpoch) + 1);
  }

  @Override
  public CompletionStage<Void> takeMain(MainRecord record, Optional<DeadMain> dead) {
    if (epochFails.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("epoch znode changed under us"));
    }
    zkEpoch.set(record.epoch());
    published.set(record);
    displaced.set(dead);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> removeLeftovers(DeadMain dead) {
    leftoversRemoved.set(Optional.of(dead));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> confirmMain(long epoch) {
    confirmations.incrementAndGet();
    CompletableFuture<Void> gate = confirmGate.get();
    if (gate != null) {
      return gate;
    }
    return confirmFails.get()
        ? CompletableFuture.failedFuture(new IllegalStateException("deposed"))
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> successorInLine() {
    return CompletableFuture.completedFuture(successorInLine.get());
  }

  @Override
  public void withdraw() {
    withdrawn.countDown();
  }
}
