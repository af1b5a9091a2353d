package io.mainstay.actors.probe;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.extension.ExecutorContext;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeFragmentTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path localPath;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private ActorRef<ProbeFragment.Measure> fragment(Path path) {
    ExecutorContext context = new ExecutorContext() {
      @Override
      public String node() {
        return "exec-1";
      }

      @Override
      public int slots() {
        return 2;
      }

      @Override
      public Path localPath() {
        return path;
      }

      @Override
      public Config config() {
        return ConfigFactory.empty();
      }
    };
    return testKit.spawn(new ProbeFragment.Service().create(context));
  }

  @Test
  void measuresThisExecutorAfterTheHold() {
    TestProbe<ProbeOutcome> outcomes = testKit.createTestProbe();
    fragment(localPath).tell(new ProbeFragment.Measure("f-1", 3, 400, outcomes.getRef()));
    outcomes.expectNoMessage(Duration.ofMillis(200));
    ProbeOutcome.Succeeded ran = assertInstanceOf(ProbeOutcome.Succeeded.class, outcomes.receiveMessage(WAIT));
    assertEquals("f-1", ran.fragmentId());
    assertEquals("exec-1", ran.node());
    assertEquals(3, ran.epoch());
    assertTrue(ran.result().maxHeapBytes() > 0);
    assertTrue(ran.result().freeDiskBytes() > 0);
    assertEquals(localPath.toString(), ran.result().diskPath());
  }

  @Test
  void aReadingThatFailsIsReportedAsFailed() {
    TestProbe<ProbeOutcome> outcomes = testKit.createTestProbe();
    Path missing = localPath.resolve("gone");
    fragment(missing).tell(new ProbeFragment.Measure("f-2", 3, 0, outcomes.getRef()));
    ProbeOutcome.Failed failed = assertInstanceOf(ProbeOutcome.Failed.class, outcomes.receiveMessage(WAIT));
    assertTrue(failed.error().contains(missing.toString()), failed.error());
  }
}
