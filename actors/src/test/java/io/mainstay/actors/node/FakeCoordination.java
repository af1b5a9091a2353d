package io.mainstay.actors.node;

import io.mainstay.actors.coordination.ClusterCoordination;
import io.mainstay.actors.coordination.CoordinationEvent;
import io.mainstay.actors.coordination.MainRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;

/** A ZooKeeper stand-in for one supervisor: the test plays ZooKeeper by sending events. */
final class FakeCoordination implements ClusterCoordination {

  final AtomicLong zkEpoch = new AtomicLong();
  final AtomicBoolean confirmFails = new AtomicBoolean();
  final AtomicReference<MainRecord> published = new AtomicReference<>();
  final CountDownLatch withdrawn = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile ActorRef<CoordinationEvent> listener;

  @Override
  public void start(boolean candidate, ActorRef<CoordinationEvent> listener) {
    this.listener = listener;
    started.countDown();
  }

  void send(CoordinationEvent event) throws InterruptedException {
    started.await();
    listener.tell(event);
  }

  @Override
  public CompletionStage<Long> takeNextEpoch(long storeEpoch) {
    return CompletableFuture.completedFuture(zkEpoch.updateAndGet(current -> Math.max(current, storeEpoch) + 1));
  }

  @Override
  public CompletionStage<Void> publishMain(MainRecord record) {
    published.set(record);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> confirmMain(long epoch) {
    return confirmFails.get()
        ? CompletableFuture.failedFuture(new IllegalStateException("deposed"))
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public void withdraw() {
    withdrawn.countDown();
  }
}
