package io.mainstay.actors.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ServiceSupervisorTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  /** The service under supervision: echoes, or throws on "boom", or stops on "stop". */
  private record Say(String what, ActorRef<String> replyTo) {}

  private static Behavior<Say> echo(AtomicInteger starts) {
    return Behaviors.setup(ctx -> {
      int start = starts.incrementAndGet();
      return Behaviors.receive(Say.class)
          .onMessage(Say.class, say -> {
            if (say.what().equals("boom")) {
              throw new IllegalStateException("boom " + start);
            }
            if (say.what().equals("stop")) {
              return Behaviors.stopped();
            }
            say.replyTo().tell(say.what() + " from start " + start);
            return Behaviors.same();
          })
          .build();
    });
  }

  private static ServiceSupervisor.Settings settings(int maxRestarts) {
    return new ServiceSupervisor.Settings(Duration.ofMillis(50), Duration.ofMillis(200), maxRestarts, Duration.ofSeconds(30));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aServiceThatThrowsIsRestartedCountedAndGetsWhatWasSentDuringTheBackoff() {
    AtomicInteger starts = new AtomicInteger();
    ServiceSupervisor.Settings slow = new ServiceSupervisor.Settings(Duration.ofMillis(500), Duration.ofSeconds(1), 3, Duration.ofSeconds(30));
    ActorRef<Object> supervisor = testKit.spawn(ServiceSupervisor.create("node test epoch 1", "echo", self -> echo(starts), slow));
    TestProbe<String> replies = testKit.createTestProbe();
    supervisor.tell(new Say("boom", replies.getRef()));
    awaitState(supervisor, ServiceSupervisor.State.RESTARTING);
    supervisor.tell(new Say("hello", replies.getRef()));
    assertEquals("hello from start 2", replies.receiveMessage(Duration.ofSeconds(5)));
    ServiceSupervisor.Health health = health(supervisor);
    assertEquals(ServiceSupervisor.State.RUNNING, health.state());
    assertEquals(1, health.restarts());
    assertTrue(health.lastFailure().orElseThrow().contains("boom 1"), health.toString());
  }

  @Test
  void aServiceThatKeepsThrowingIsStoppedAndReportedFailedWithoutTakingItsParent() {
    AtomicInteger starts = new AtomicInteger();
    ActorRef<Object> supervisor = testKit.spawn(ServiceSupervisor.create("node test epoch 1", "echo", self -> echo(starts), settings(2)));
    TestProbe<String> replies = testKit.createTestProbe();
    for (int start = 1; start <= 3; start++) {
      int expected = start;
      replies.awaitAssert(Duration.ofSeconds(5), () -> {
        assertEquals(expected, starts.get());
        assertEquals(ServiceSupervisor.State.RUNNING, health(supervisor).state());
        return null;
      });
      supervisor.tell(new Say("boom", replies.getRef()));
    }
    awaitState(supervisor, ServiceSupervisor.State.FAILED);
    assertEquals(3, starts.get(), "first start and two restarts, then the budget is spent");
    assertEquals(2, health(supervisor).restarts());
    supervisor.tell(new Say("hello", replies.getRef()));
    replies.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    ServiceSupervisor.Settings settings = settings(10);
    assertEquals(Duration.ofMillis(50), settings.backoff(1));
    assertEquals(Duration.ofMillis(100), settings.backoff(2));
    assertEquals(Duration.ofMillis(200), settings.backoff(3));
    assertEquals(Duration.ofMillis(200), settings.backoff(9));
  }

  @Test
  void aServiceThatStopsOnItsOwnIsReportedStopped() {
    ActorRef<Object> supervisor =
        testKit.spawn(ServiceSupervisor.create("node test epoch 1", "echo", self -> echo(new AtomicInteger()), settings(3)));
    TestProbe<String> replies = testKit.createTestProbe();
    supervisor.tell(new Say("stop", replies.getRef()));
    awaitState(supervisor, ServiceSupervisor.State.STOPPED);
  }

  private static void awaitState(ActorRef<Object> supervisor, ServiceSupervisor.State state) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(state, health(supervisor).state());
      return null;
    });
  }

  private static ServiceSupervisor.Health health(ActorRef<Object> supervisor) {
    TestProbe<ServiceSupervisor.Health> probe = testKit.createTestProbe();
    supervisor.tell(new ServiceSupervisor.GetHealth(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }
}
