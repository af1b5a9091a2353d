package io.mainstay.actors.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.ExecutorSlots;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long EPOCH = 7;

  private ActorRef<ExecutorRegistry.Command> registry;
  private TestProbe<ExecutorChange> changes;

  @BeforeEach
  void spawn() {
    changes = testKit.createTestProbe();
    registry =
        testKit.spawn(
            ExecutorRegistry.create(
                "coord-1", EPOCH, List.of(), new ExecutorRegistry.Settings(Duration.ofMillis(800)), changes.getRef()));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void acknowledgesRegistrationWithItsEpochAndListsTheExecutor() {
    TestProbe<Executor.Command> executor = register("exec-1");
    ExecutorRegistry.ExecutorInfo info = list().executors().get(0);
    assertEquals("exec-1", info.node());
    assertEquals(EPOCH, info.epoch());
    assertEquals(3, info.slots());
    executor.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void dropsAnExecutorWhoseHeartbeatsStop() throws InterruptedException {
    register("exec-1");
    awaitExecutors(0);
  }

  @Test
  void keepsAnExecutorThatHeartbeats() throws InterruptedException {
    TestProbe<Executor.Command> executor = register("exec-1");
    for (int i = 0; i < 10; i++) {
      registry.tell(new ExecutorRegistry.Heartbeat("exec-1", EPOCH, executor.getRef(), List.of()));
      Thread.sleep(200);
    }
    assertEquals(1, list().executors().size());
  }

  @Test
  void asksAnUnknownHeartbeatingExecutorToRegister() {
    TestProbe<Executor.Command> executor = testKit.createTestProbe();
    registry.tell(new ExecutorRegistry.Heartbeat("exec-9", EPOCH - 1, executor.getRef(), List.of()));
    Executor.ReRegister ask = executor.expectMessageClass(Executor.ReRegister.class, WAIT);
    assertEquals(EPOCH, ask.epoch());
  }

  @Test
  void dropsAnExecutorWhoseZooKeeperRecordVanished() throws InterruptedException {
    register("exec-1");
    register("exec-2");
    registry.tell(new ExecutorRegistry.LiveNodes(List.of(node("exec-2"))));
    assertEquals(List.of("exec-2"), list().executors().stream().map(ExecutorRegistry.ExecutorInfo::node).toList());
  }

  @Test
  void tellsWhoJoinedAndWhoLeftAndWhy() throws InterruptedException {
    TestProbe<Executor.Command> executor = register("exec-1");
    assertEquals(new ExecutorChange.Joined(new ExecutorSlots("exec-1", 3)), changes.receiveMessage(WAIT));
    // registering again with the same executor is no news
    registry.tell(new ExecutorRegistry.Register("exec-1", "pekko://mainstay@h:1", 3, executor.getRef()));
    executor.expectMessageClass(Executor.Registered.class, WAIT);
    registry.tell(new ExecutorRegistry.LiveNodes(List.of()));
    assertEquals(new ExecutorChange.Lost("exec-1", "its ZooKeeper record vanished"), changes.receiveMessage(WAIT));
    changes.expectNoMessage(Duration.ofMillis(200));
  }

  private TestProbe<Executor.Command> register(String node) {
    TestProbe<Executor.Command> executor = testKit.createTestProbe();
    registry.tell(new ExecutorRegistry.Register(node, "pekko://mainstay@h:1", 3, executor.getRef()));
    Executor.Registered ack = executor.expectMessageClass(Executor.Registered.class, WAIT);
    assertEquals(EPOCH, ack.epoch());
    return executor;
  }

  private ExecutorRegistry.ExecutorList list() {
    TestProbe<ExecutorRegistry.ExecutorList> probe = testKit.createTestProbe();
    registry.tell(new ExecutorRegistry.ListExecutors(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private void awaitExecutors(int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (list().executors().size() != count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("registry never had " + count + " executors");
      }
      Thread.sleep(50);
    }
  }

  private static NodeRecord node(String name) {
    return new NodeRecord(name, Set.of(NodeRecord.EXECUTOR), "pekko://mainstay@h:1", null, null);
  }
}
