package io.mainstay.actors.node;

import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.ElectionEntry;
import io.mainstay.actors.coordination.MainRecord;
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
  public final AtomicReference<ElectionEntry> displaced = new AtomicReference<>();
  public final CountDownLatch withdrawn = new CountDownLatch(1);
  /** Grant leadership inside {@link #start}, as Curator may: before the node hears it is registered. */
  public final AtomicBoolean grantOnStart = new AtomicBoolean();
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile ActorRef<CoordinationEvent> listener;

  @Override
  public void start(boolean candidate, ActorRef<CoordinationEvent> listener) {
    this.listener = listener;
    if (grantOnStart.get()) {
      listener.tell(new CoordinationEvent.LeadershipGranted());
    }
    started.countDown();
  }

  public void send(CoordinationEvent event) throws InterruptedException {
    started.await();
    listener.tell(event);
  }

  @Override
  public CompletionStage<Long> takeNextEpoch(long storeEpoch) {
    if (epochFails.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("epoch znode changed under us"));
    }
    return CompletableFuture.completedFuture(zkEpoch.updateAndGet(current -> Math.max(current, storeEpoch) + 1));
  }

  @Override
  public CompletionStage<Void> publishMain(MainRecord record) {
    published.set(record);
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
  public CompletionStage<Void> displace(ElectionEntry leader, MainRecord main) {
    displaced.set(leader);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void withdraw() {
    withdrawn.countDown();
  }
}
