package io.mainstay.actors.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.ActorPaths;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.node.FakeCoordination;
import io.mainstay.actors.storage.StoreCommand;
import io.mainstay.actors.storage.StoreReply;
import io.mainstay.store.MetadataStore;
import io.mainstay.store.StoreAtEpoch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the main does when one of its parts fails, and its three states. */
class MainCoordinatorTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger names = new AtomicInteger();

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);
  private String name;
  private ActorRef<MainCoordinator.Command> main;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private void startMain() {
    MainCoordinator.Settings defaults = MainCoordinator.Settings.defaults();
    MainCoordinator.Settings settings =
        new MainCoordinator.Settings(Duration.ofSeconds(2), defaults.registry(), Duration.ofMillis(20), Duration.ofMillis(200));
    name = "main-" + names.incrementAndGet();
    main = testKit.spawn(
        MainCoordinator.create("node-a", 1, opened.store(), new FakeCoordination(), List.of(), settings), name);
  }

  @Test
  void servesFencedRefusesAndResumes() {
    startMain();
    assertInstanceOf(StoreReply.TableWritten.class, put("orders"));
    main.tell(new MainCoordinator.Fence("ZooKeeper connection suspended"));
    StoreReply.Unavailable refused = assertInstanceOf(StoreReply.Unavailable.class, put("orders"));
    assertEquals("ZooKeeper connection suspended", refused.reason());
    main.tell(new MainCoordinator.Resume());
    assertInstanceOf(StoreReply.TableWritten.class, put("orders"));
  }

  @Test
  void mainStopsWhenItsStoreServiceDies() {
    startMain();
    TestProbe<StoreReply> caller = testKit.createTestProbe();
    // a bug in the store service (answering a request without a reply address throws): it fails, and the
    // main can no longer vouch for its store
    main.tell(new MainCoordinator.ServeStore(new StoreCommand.TableGet("test", "docs", "orders", null)));
    caller.expectTerminated(main, WAIT);
  }

  @Test
  void gracefulStopAnswersEvenWhenTheTermsEndCannotBeRecorded() {
    startMain();
    opened.store().close(); // the store fails under the main
    TestProbe<MainCoordinator.Stopped> stopped = testKit.createTestProbe();
    main.tell(new MainCoordinator.Stop(stopped.getRef()));
    MainCoordinator.Stopped answer = stopped.receiveMessage(WAIT);
    assertTrue(answer.problem().isPresent(), answer.toString());
    stopped.expectTerminated(main, WAIT);
  }

  @Test
  void gracefulStopRefusesNewWorkAndClosesTheStore() {
    startMain();
    TestProbe<MainCoordinator.Stopped> stopped = testKit.createTestProbe();
    main.tell(new MainCoordinator.Stop(stopped.getRef()));
    assertEquals(new MainCoordinator.Stopped(Optional.empty()), stopped.receiveMessage(WAIT));
    stopped.expectTerminated(main, WAIT);
    try (MetadataStore reopened = MetadataStore.open(opened.lock())) {
      assertTrue(reopened.history().get(0).until().isPresent(), "the term's end is recorded");
    }
  }

  @Test
  void registryThatFailsIsRestartedInPlace() {
    startMain();
    assertInstanceOf(StoreReply.TableWritten.class, put("orders"), "the main has spawned its services");
    ActorRef<ExecutorRegistry.Command> registry =
        ActorRefResolver.get(testKit.system())
            .resolveActorRef(testKit.system().address() + "/user/" + name + "/" + ActorPaths.REGISTRY);
    TestProbe<ExecutorRegistry.ExecutorList> list = testKit.createTestProbe();
    registry.tell(new ExecutorRegistry.ListExecutors(list.getRef()));
    assertEquals(new ExecutorRegistry.ExecutorList(1, List.of()), list.receiveMessage(WAIT));

    // a registration without an executor to acknowledge: the registry throws after listing it
    registry.tell(new ExecutorRegistry.Register("exec-1", "pekko://mainstay@h:1", 1, null));
    list.awaitAssert(WAIT, () -> {
      registry.tell(new ExecutorRegistry.ListExecutors(list.getRef()));
      assertEquals(
          new ExecutorRegistry.ExecutorList(1, List.of()), list.receiveMessage(Duration.ofMillis(500)), "restarted empty");
      return null;
    });
    assertInstanceOf(StoreReply.TableWritten.class, put("orders"), "the main serves on");
  }

  private StoreReply put(String entry) {
    TestProbe<StoreReply> caller = testKit.createTestProbe();
    main.tell(new MainCoordinator.ServeStore(
        new StoreCommand.TablePut("test", "docs", entry, "{}".getBytes(StandardCharsets.UTF_8), caller.getRef())));
    return caller.receiveMessage(WAIT);
  }
}
