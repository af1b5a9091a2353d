package io.mainstay.actors.catalog;

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
 * The catalog's group commit, and the catalog when its store fails: every caller gets an answer, and so
 * does a graceful stop.
 */
class CatalogServiceTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);
  private final FakeCoordination zk = new FakeCoordination();
  private ActorRef<CatalogService.Command> catalog;

  @BeforeEach
  void open() {
    catalog = testKit.spawn(CatalogService.create("node-a", opened.store(), 1, zk, Duration.ofSeconds(2)));
  }

  @Test
  void writesThatQueueUpShareOneCommitAndOneConfirmation() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    zk.confirmGate.set(gate);
    TestProbe<CatalogReply> first = testKit.createTestProbe();
    catalog.tell(put("w0", first.getRef()));
    Await.until("the first batch to be confirming", WAIT, () -> zk.confirmations.get() == 1); // the first batch is being confirmed: the catalog is busy
    zk.confirmGate.set(null);
    TestProbe<CatalogReply> queued = testKit.createTestProbe();
    for (int i = 1; i <= 8; i++) {
      catalog.tell(put("w" + i, queued.getRef()));
    }
    gate.complete(null);

    assertEquals(new CatalogReply.Written("w0", 1, 1), first.receiveMessage(WAIT));
    for (int i = 1; i <= 8; i++) {
      assertInstanceOf(CatalogReply.Written.class, queued.receiveMessage(WAIT));
    }
    assertEquals(2, zk.confirmations.get(), "w1..w8 waited together and were confirmed once");
    assertEquals(9, opened.store().catalog().list().size());
  }

  @Test
  void aBatchRefusedByTheFenceIsRefusedForEveryoneInIt() {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    zk.confirmGate.set(gate);
    TestProbe<CatalogReply> first = testKit.createTestProbe();
    catalog.tell(put("before", first.getRef()));
    Await.until("the first batch to be confirming", WAIT, () -> zk.confirmations.get() == 1);
    zk.confirmGate.set(null);
    TestProbe<CatalogReply> queued = testKit.createTestProbe();
    for (int i = 1; i <= 5; i++) {
      catalog.tell(put("late" + i, queued.getRef()));
    }
    opened.store().beginEpoch(2, "node-b", Instant.now()); // a newer main took the store meanwhile
    gate.complete(null);

    assertInstanceOf(CatalogReply.Written.class, first.receiveMessage(WAIT));
    for (int i = 1; i <= 5; i++) {
      CatalogReply.Unavailable refused = assertInstanceOf(CatalogReply.Unavailable.class, queued.receiveMessage(WAIT));
      assertTrue(refused.reason().contains("stale"), refused.reason());
    }
    assertEquals(List.of("before"), opened.store().catalog().list().stream().map(e -> e.name()).toList());
  }

  @Test
  void aBatchWithoutConfirmationIsAcknowledgedToNoOne() {
    zk.confirmFails.set(true);
    TestProbe<CatalogReply> probe = testKit.createTestProbe();
    for (int i = 1; i <= 3; i++) {
      catalog.tell(put("unconfirmed" + i, probe.getRef()));
    }
    for (int i = 1; i <= 3; i++) {
      CatalogReply.Unavailable refused = assertInstanceOf(CatalogReply.Unavailable.class, probe.receiveMessage(WAIT));
      assertTrue(refused.reason().contains("could not confirm"), refused.reason());
    }
  }

  @Test
  void writesQueuedBeforeACloseAreCommittedAndAnswered() throws Exception {
    TestProbe<CatalogReply> writes = testKit.createTestProbe();
    TestProbe<CatalogService.Closed> closed = testKit.createTestProbe();
    catalog.tell(put("last", writes.getRef()));
    catalog.tell(new CatalogService.Close(closed.getRef()));
    assertEquals(new CatalogReply.Written("last", 1, 1), writes.receiveMessage(WAIT));
    assertEquals(new CatalogService.Closed(Optional.empty()), closed.receiveMessage(WAIT));
    try (MetadataStore reopened = MetadataStore.open(opened.lock())) {
      assertTrue(reopened.catalog().get("last").isPresent());
    }
  }

  private static CatalogCommand put(String name, ActorRef<CatalogReply> replyTo) {
    return new CatalogCommand.Put(name, "{}".getBytes(StandardCharsets.UTF_8), replyTo);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void readsOfAStoreThatFailsAreAnsweredUnavailable() {
    opened.store().close(); // the store fails under the catalog: every read now throws a StoreException
    for (Function<ActorRef<CatalogReply>, CatalogCommand> read :
        List.<Function<ActorRef<CatalogReply>, CatalogCommand>>of(
            replyTo -> new CatalogCommand.Get("orders", replyTo),
            CatalogCommand.List::new,
            CatalogCommand.Epochs::new)) {
      CatalogReply.Unavailable reply = assertInstanceOf(CatalogReply.Unavailable.class, ask(read));
      assertTrue(reply.reason().contains("store is closed"), reply.reason());
    }
    // the catalog is still there to answer the next one
    assertInstanceOf(CatalogReply.Unavailable.class, ask(CatalogCommand.List::new));
  }

  @Test
  void closeThatCannotRecordTheTermsEndStillAnswersAndStops() {
    opened.store().close(); // ending the epoch now throws
    TestProbe<CatalogService.Closed> closed = testKit.createTestProbe();
    catalog.tell(new CatalogService.Close(closed.getRef()));
    CatalogService.Closed answer = closed.receiveMessage(WAIT);
    assertTrue(answer.problem().orElseThrow().contains("could not record the end of epoch 1"), answer.toString());
    closed.expectTerminated(catalog, WAIT);
  }

  @Test
  void closeRecordsTheTermsEnd() throws Exception {
    TestProbe<CatalogService.Closed> closed = testKit.createTestProbe();
    catalog.tell(new CatalogService.Close(closed.getRef()));
    assertEquals(new CatalogService.Closed(Optional.empty()), closed.receiveMessage(WAIT));
    try (MetadataStore reopened = MetadataStore.open(opened.lock())) {
      assertTrue(reopened.history().get(0).until().isPresent());
    }
  }

  private CatalogReply ask(Function<ActorRef<CatalogReply>, CatalogCommand> command) {
    TestProbe<CatalogReply> probe = testKit.createTestProbe();
    catalog.tell(command.apply(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }
}
