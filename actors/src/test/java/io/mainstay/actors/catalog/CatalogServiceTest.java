package io.mainstay.actors.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.node.FakeCoordination;
import io.mainstay.actors.node.StoreAtEpoch;
import io.mainstay.store.MetadataStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catalog when its store fails: every caller gets an answer, and so does a graceful stop. */
class CatalogServiceTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);
  private ActorRef<CatalogService.Command> catalog;

  @BeforeEach
  void open() {
    catalog = testKit.spawn(CatalogService.create("node-a", opened.store(), 1, new FakeCoordination(), Duration.ofSeconds(2)));
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
