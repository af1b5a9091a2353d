package io.mainstay.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.node.FakeCoordination;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreAtEpoch;
import io.mainstay.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store service's group commit, and the service when its store fails: every caller gets an answer,
 * and so does a graceful stop.
 */
class StoreServiceTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);
  private final FakeCoordination zk = new FakeCoordination();
  private ActorRef<StoreService.Command> service;

  @BeforeEach
  void open() {
    service = testKit.spawn(StoreService.create("node-a", opened.store(), 1, zk, Duration.ofSeconds(2)));
  }

  @Test
  void writesThatQueueUpShareOneCommitAndOneConfirmation() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    zk.confirmGate.set(gate);
    TestProbe<StoreReply> first = testKit.createTestProbe();
    service.tell(put("w0", first.getRef()));
    Await.until("the first batch to be confirming", WAIT, () -> zk.confirmations.get() == 1); // the first batch is being confirmed: the service is busy
    zk.confirmGate.set(null);
    TestProbe<StoreReply> queued = testKit.createTestProbe();
    for (int i = 1; i <= 8; i++) {
      service.tell(put("w" + i, queued.getRef()));
    }
    gate.complete(null);

    assertEquals(new StoreReply.TableWritten(1, 1), first.receiveMessage(WAIT));
    for (int i = 1; i <= 8; i++) {
      assertInstanceOf(StoreReply.TableWritten.class, queued.receiveMessage(WAIT));
    }
    assertEquals(2, zk.confirmations.get(), "w1..w8 waited together and were confirmed once");
    assertEquals(9, opened.store().tables().versions("test", "docs").size());
  }

  @Test
  void aBatchRefusedByTheFenceIsRefusedForEveryoneInIt() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    zk.confirmGate.set(gate);
    TestProbe<StoreReply> first = testKit.createTestProbe();
    service.tell(put("before", first.getRef()));
    Await.until("the first batch to be confirming", WAIT, () -> zk.confirmations.get() == 1);
    zk.confirmGate.set(null);
    TestProbe<StoreReply> queued = testKit.createTestProbe();
    for (int i = 1; i <= 5; i++) {
      service.tell(put("late" + i, queued.getRef()));
    }
    opened.store().beginEpoch(2, "node-b", Instant.now()); // a newer main took the store meanwhile
    gate.complete(null);

    assertInstanceOf(StoreReply.TableWritten.class, first.receiveMessage(WAIT));
    for (int i = 1; i <= 5; i++) {
      StoreReply.Unavailable refused = assertInstanceOf(StoreReply.Unavailable.class, queued.receiveMessage(WAIT));
      assertTrue(refused.reason().contains("stale"), refused.reason());
    }
    assertEquals(List.of("before"), opened.store().tables().versions("test", "docs").stream().map(e -> e.key()).toList());
  }

  @Test
  void aBatchWithoutConfirmationIsAcknowledgedToNoOne() {
    zk.confirmFails.set(true);
    TestProbe<StoreReply> probe = testKit.createTestProbe();
    for (int i = 1; i <= 3; i++) {
      service.tell(put("unconfirmed" + i, probe.getRef()));
    }
    for (int i = 1; i <= 3; i++) {
      StoreReply.Unavailable refused = assertInstanceOf(StoreReply.Unavailable.class, probe.receiveMessage(WAIT));
      assertTrue(refused.reason().contains("could not confirm"), refused.reason());
    }
  }

  @Test
  void writesQueuedBeforeACloseAreCommittedAndAnswered() throws Exception {
    TestProbe<StoreReply> writes = testKit.createTestProbe();
    TestProbe<StoreService.Closed> closed = testKit.createTestProbe();
    service.tell(put("last", writes.getRef()));
    service.tell(new StoreService.Close(closed.getRef()));
    assertEquals(new StoreReply.TableWritten(1, 1), writes.receiveMessage(WAIT));
    assertEquals(new StoreService.Closed(Optional.empty()), closed.receiveMessage(WAIT));
    try (MetadataStore reopened = MetadataStore.open(opened.lock())) {
      assertTrue(reopened.tables().get("test", "docs", "last").isPresent());
    }
  }

  private static StoreCommand put(String name, ActorRef<StoreReply> replyTo) {
    return new StoreCommand.TablePut("test", "docs", name, "{}".getBytes(StandardCharsets.UTF_8), replyTo);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void readsOfAStoreThatFailsAreAnsweredUnavailable() {
    opened.store().close(); // the store fails under the service: every read now throws a StoreException
    for (Function<ActorRef<StoreReply>, StoreCommand> read :
        List.<Function<ActorRef<StoreReply>, StoreCommand>>of(
            replyTo -> new StoreCommand.TableGet("test", "docs", "orders", replyTo),
            replyTo -> new StoreCommand.TableList("test", "docs", replyTo),
            replyTo -> new StoreCommand.TableVersions("test", "docs", replyTo),
            StoreCommand.Epochs::new)) {
      StoreReply.Unavailable reply = assertInstanceOf(StoreReply.Unavailable.class, ask(read));
      assertTrue(reply.reason().contains("store is closed"), reply.reason());
    }
    // the service is still there to answer the next one
    assertInstanceOf(StoreReply.Unavailable.class, ask(StoreCommand.Epochs::new));
  }

  @Test
  void closeThatCannotRecordTheTermsEndStillAnswersAndStops() {
    opened.store().close(); // ending the epoch now throws
    TestProbe<StoreService.Closed> closed = testKit.createTestProbe();
    service.tell(new StoreService.Close(closed.getRef()));
    StoreService.Closed answer = closed.receiveMessage(WAIT);
    assertTrue(answer.problem().orElseThrow().contains("could not record the end of epoch 1"), answer.toString());
    closed.expectTerminated(service, WAIT);
  }

  @Test
  void closeRecordsTheTermsEnd() throws Exception {
    TestProbe<StoreService.Closed> closed = testKit.createTestProbe();
    service.tell(new StoreService.Close(closed.getRef()));
    assertEquals(new StoreService.Closed(Optional.empty()), closed.receiveMessage(WAIT));
    try (MetadataStore reopened = MetadataStore.open(opened.lock())) {
      assertTrue(reopened.history().get(0).until().isPresent());
    }
  }

  private StoreReply ask(Function<ActorRef<StoreReply>, StoreCommand> command) {
    TestProbe<StoreReply> probe = testKit.createTestProbe();
    service.tell(command.apply(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }
}
