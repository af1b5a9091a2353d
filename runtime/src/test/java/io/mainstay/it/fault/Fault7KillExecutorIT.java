package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault 7: kill -9 of an executor while probe fragments run on it (each held 10 s, the probe's
 * deadline 30 s). The main must give up on that executor's fragment within the heartbeat deadline
 * (3 s of silence, checked every 750 ms) instead of waiting for the 30 s probe deadline, answer with
 * the other executor's result, drop the dead executor from its registry, and keep serving.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class Fault7KillExecutorIT {

  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(30);
  private static final Duration HOLD = Duration.ofSeconds(10);
  private static final Duration IN_FLIGHT_BEFORE_KILL = Duration.ofSeconds(1);
  /** The registry's heartbeat timeout plus its check interval. */
  private static final Duration HEARTBEAT_DEADLINE = Duration.ofMillis(3000 + 750);
  /** For a loaded two-core machine: a late heartbeat check, a slow ask. */
  private static final Duration MARGIN = Duration.ofMillis(2500);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void killingAnExecutorMidFragmentFailsItsFragmentWithinTheHeartbeatDeadline() throws Exception {
    long started = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder(dir).coordinators(2).executors(2).start();
    Timing.log("fault 7: cluster of 2 coordinators + 2 executors up", started);
    MainstayNodeProcess main = cluster.main();
    long epoch = main.ping().epoch();
    MainstayNodeProcess victim = cluster.executors().get(0);
    MainstayNodeProcess survivor = cluster.executors().get(1);

    try (CatalogWriter writer = new CatalogWriter(cluster::coordinators).start(1)) {
      writer.awaitAcks(5, main, Await.GENEROUS);

      long sentAt = System.nanoTime();
      CompletableFuture<HttpResult> probe = CompletableFuture.supplyAsync(() -> main.http().probe(PROBE_DEADLINE, HOLD));
      Thread.sleep(IN_FLIGHT_BEFORE_KILL.toMillis());
      long killOffset = Timing.millisSince(sentAt);
      cluster.kill9(victim);
      HttpResult answer = probe.get(PROBE_DEADLINE.plusSeconds(15).toMillis(), TimeUnit.MILLISECONDS);
      long answeredAfter = Timing.millisSince(sentAt);
      System.out.printf("fault 7: probe answered %d ms after it was sent (kill at %d ms): %s%n",
          answeredAfter, killOffset, answer.body());

      assertEquals(200, answer.status(), "probe: " + answer.body());
      assertEquals(epoch, answer.json().path("epoch").asLong(), "probe epoch: " + answer.body());
      Map<String, JsonNode> lines = new HashMap<>();
      answer.json().path("executors").forEach(e -> lines.put(e.path("node").asText(), e));
      assertEquals(2, lines.size(), "one line per executor: " + answer.body());

      JsonNode lost = lines.get(victim.name());
      assertTrue(lost.path("result").isMissingNode() && lost.path("error").isTextual(), "the killed executor's line: " + lost);
      assertTrue(lost.path("error").asText().contains("dropped"), "failed because the executor was dropped, not by the probe deadline: " + lost);
      long failedAfterKill = lost.path("roundTripMs").asLong() - killOffset;
      assertTrue(failedAfterKill <= HEARTBEAT_DEADLINE.plus(MARGIN).toMillis(),
          "the killed executor's fragment failed " + failedAfterKill + " ms after the kill: " + lost);

      JsonNode ok = lines.get(survivor.name());
      assertTrue(ok.path("result").isObject() && ok.path("error").isMissingNode(), "the survivor's line: " + ok);
      assertTrue(ok.path("roundTripMs").asLong() >= HOLD.toMillis(), "the survivor held its fragment: " + ok);
      assertTrue(answeredAfter < PROBE_DEADLINE.toMillis() - 10_000,
          "the probe answered " + answeredAfter + " ms after it was sent, not well before its deadline");

      // The main goes on: same main, same epoch, writes acknowledged, a new probe reaches the survivor only.
      assertEquals(main, cluster.main());
      assertEquals(epoch, main.ping().epoch());
      writer.awaitAcks(10, main, Await.GENEROUS);
      HttpResult again = main.http().probe(Duration.ofSeconds(5), Duration.ZERO);
      assertEquals(200, again.status(), again.body());
      assertEquals(1, again.json().path("executors").size(), "only the survivor is probed: " + again.body());
      assertEquals(survivor.name(), again.json().path("executors").get(0).path("node").asText(), again.body());
      assertTrue(again.json().path("executors").get(0).path("result").isObject(), again.body());

      writer.stop();
      Invariants.check(cluster, writer);
    }
    Timing.log("fault 7: done", started);
  }
}
