package io.mainstay.actors.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ProbeRoundTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long EPOCH = 7;

  /** What the round hands the runtime to send, with the executor it is for. */
  private record Sent(String node, ProbeFragment.Measure measure) {}

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void reportsResultsFailuresAndSilenceEachOnItsOwnLine() {
    TestProbe<Sent> sent = testKit.createTestProbe();
    TestProbe<ProbeReport> reply = testKit.createTestProbe();
    testKit.spawn(ProbeRound.create(EPOCH, List.of("exec-1", "exec-2", "exec-3"),
        (node, measure) -> sent.getRef().tell(new Sent(node, measure)), Duration.ofMillis(500), Duration.ZERO, reply.getRef()));
    List<Sent> fragments = sent.receiveSeveralMessages(3, WAIT);
    Sent first = fragments.stream().filter(s -> s.node().equals("exec-1")).findFirst().orElseThrow();
    Sent second = fragments.stream().filter(s -> s.node().equals("exec-2")).findFirst().orElseThrow();
    assertEquals(EPOCH, first.measure().epoch());

    ActorRef<ProbeOutcome> outcomes = first.measure().replyTo();
    // a result of an older epoch, or of another fragment, is dropped; the current one counts
    outcomes.tell(new ProbeOutcome.Succeeded(first.measure().fragmentId(), "exec-1", EPOCH - 1, result()));
    outcomes.tell(new ProbeOutcome.Succeeded("probe-other", "exec-1", EPOCH, result()));
    outcomes.tell(new ProbeOutcome.Succeeded(first.measure().fragmentId(), "exec-1", EPOCH, result()));
    outcomes.tell(new ProbeOutcome.Failed(second.measure().fragmentId(), "exec-2", EPOCH, "disk gone"));

    ProbeReport report = reply.receiveMessage(WAIT);
    assertEquals(EPOCH, report.epoch());
    assertEquals(List.of("exec-1", "exec-2", "exec-3"), report.answers().stream().map(ProbeReport.Answer::node).toList());
    assertEquals(result(), report.answers().get(0).result().orElseThrow());
    assertEquals("disk gone", report.answers().get(1).error().orElseThrow());
    assertEquals("no answer within the deadline", report.answers().get(2).error().orElseThrow());
  }

  @Test
  void anExecutorThatLeftIsReportedBeforeTheDeadline() {
    TestProbe<Sent> sent = testKit.createTestProbe();
    TestProbe<ProbeReport> reply = testKit.createTestProbe();
    ActorRef<ProbeRound.Command> round = testKit.spawn(ProbeRound.create(EPOCH, List.of("exec-1"),
        (node, measure) -> sent.getRef().tell(new Sent(node, measure)), Duration.ofSeconds(30), Duration.ZERO, reply.getRef()));
    sent.receiveMessage(WAIT);
    round.tell(new ProbeRound.ExecutorLost("exec-1", "executor dropped: its ZooKeeper record vanished"));
    ProbeReport report = reply.receiveMessage(WAIT);
    assertTrue(report.answers().get(0).error().orElseThrow().contains("dropped"));
  }

  @Test
  void noExecutorsIsAnEmptyReportAtOnce() {
    TestProbe<ProbeReport> reply = testKit.createTestProbe();
    testKit.spawn(ProbeRound.create(EPOCH, List.of(), (node, measure) -> {}, Duration.ofSeconds(30), Duration.ZERO, reply.getRef()));
    assertEquals(new ProbeReport(EPOCH, List.of()), reply.receiveMessage(WAIT));
  }

  private static ProbeResult result() {
    return new ProbeResult(1, 2, 3, "/tmp", 0.5, 2);
  }
}
