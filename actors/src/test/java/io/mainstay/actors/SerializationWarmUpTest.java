package io.mainstay.actors;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SerializationWarmUpTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Also a guard: every sample must make the round trip through CBOR, as it does between nodes. */
  @Test
  void everyCrossNodeMessageMakesTheRoundTrip() {
    TestProbe<Object> probe = testKit.createTestProbe();

    assertFalse(SerializationWarmUp.run(testKit.system(), probe.ref()).isNegative());
    assertFalse(SerializationWarmUp.run(testKit.system(), probe.ref()).isNegative());
  }
}
