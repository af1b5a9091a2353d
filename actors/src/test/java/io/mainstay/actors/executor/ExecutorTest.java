package io.mainstay.actors.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path localPath;
  private ActorRef<Executor.Command> executor;

  @BeforeEach
  void spawn() {
    executor =
        testKit.spawn(
            Executor.create("exec-1", "pekko://mainstay@h:1", 4, localPath,
                new Executor.Settings(Duration.ofMillis(200), Duration.ofMillis(100))));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void registersWithTheMainThatAsksAndHeartbeatsIt() {
    TestProbe<ExecutorRegistry.Command> registry = testKit.createTestProbe();
    executor.tell(new Executor.ReRegister(2, "coord-1", registry.getRef()));
    ExecutorRegistry.Register register = registry.expectMessageClass(ExecutorRegistry.Register.class, WAIT);
    assertEquals("exec-1", register.node());
    assertEquals(4, register.slots());

    executor.tell(new Executor.Registered(2, "coord-1"));
    ExecutorRegistry.Heartbeat beat =
        registry.fishForMessage(WAIT, m -> m instanceof ExecutorRegistry.Heartbeat
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore())
            .stream().map(ExecutorRegistry.Heartbeat.class::cast).findFirst().orElseThrow();
    assertEquals(2, beat.epoch());
  }

  @Test
  void registersAgainWhenItsMainAsksAgainAtTheSameEpoch() {
    TestProbe<ExecutorRegistry.Command> registry = testKit.createTestProbe();
    executor.tell(new Executor.ReRegister(2, "coord-1", registry.getRef()));
    registry.expectMessageClass(ExecutorRegistry.Register.class, WAIT);
    executor.tell(new Executor.Registered(2, "coord-1"));
    assertEquals(2, state().registeredEpoch());

    // The main dropped it (late heartbeats, an expired ZooKeeper session) and asks again: same epoch.
    executor.tell(new Executor.ReRegister(2, "coord-1", registry.getRef()));
    registry.fishForMessage(WAIT, m -> m instanceof ExecutorRegistry.Register
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    executor.tell(new Executor.Registered(2, "coord-1"));
    assertEquals(2, state().registeredEpoch());
  }

  @Test
  void retriesRegistrationUntilAcknowledged() {
    TestProbe<ExecutorRegistry.Command> registry = testKit.createTestProbe();
    executor.tell(new Executor.ReRegister(1, "coord-1", registry.getRef()));
    registry.expectMessageClass(ExecutorRegistry.Register.class, WAIT);
    registry.expectMessageClass(ExecutorRegistry.Register.class, WAIT);
  }

  @Test
  void ignoresAMainOfAnOlderEpoch() {
    TestProbe<ExecutorRegistry.Command> newMain = testKit.createTestProbe();
    TestProbe<ExecutorRegistry.Command> oldMain = testKit.createTestProbe();
    executor.tell(new Executor.ReRegister(5, "coord-2", newMain.getRef()));
    newMain.expectMessageClass(ExecutorRegistry.Register.class, WAIT);
    executor.tell(new Executor.Registered(5, "coord-2"));

    executor.tell(new Executor.ReRegister(4, "coord-1", oldMain.getRef()));
    oldMain.expectNoMessage(Duration.ofMillis(500));
    assertEquals(5, state().registeredEpoch());
  }

  private Executor.State state() {
    TestProbe<Executor.State> probe = testKit.createTestProbe();
    executor.tell(new Executor.GetState(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }
}
