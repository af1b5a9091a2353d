package io.mainstay.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mainstay.actors.catalog.CatalogReply;
import io.mainstay.actors.catalog.CatalogRoutes;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.actors.node.ClusterView;
import io.mainstay.actors.node.NodeRole;
import io.mainstay.actors.node.NodeStatus;
import io.mainstay.actors.probe.ProbeReport;
import io.mainstay.actors.probe.ProbeResult;
import io.mainstay.actors.probe.ProbeRoutes;
import io.mainstay.actors.storage.StoreReply;
import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.RouteContext;
import io.mainstay.store.EpochRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

/**
 * The JSON of the web port, byte for byte: the README's HTTP table, clients and the integration tests
 * read these shapes (null fields included), so a change here is a change of the API.
 */
class JsonShapesTest {

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final Instant T1 = Instant.parse("2026-01-02T03:04:06Z");
  private static final MainRecord MAIN =
      new MainRecord("coord-1", "10.0.0.1", "http://10.0.0.1:9047", "pekko://mainstay@10.0.0.1:45678", 4, T0);
  private static final List<NodeRecord> NODES =
      List.of(
          new NodeRecord("coord-1", Set.of("coordinator", "master"), "pekko://mainstay@10.0.0.1:45678", "http://10.0.0.1:9047", null),
          new NodeRecord("coord-2", Set.of("coordinator", "master"), "pekko://mainstay@10.0.0.2:45678", "http://10.0.0.2:9047", null),
          new NodeRecord("coord-3", Set.of("coordinator"), "pekko://mainstay@10.0.0.3:45678", "http://10.0.0.3:9047", null),
          new NodeRecord("exec-1", Set.of("executor"), "pekko://mainstay@10.0.0.4:45678", null, null));

  @Test
  void ping() {
    assertBody(200, "{\"role\":\"main\",\"node\":\"coord-1\",\"epoch\":4,\"since\":\"2026-01-02T03:04:05.678Z\"}",
        StatusRoutes.pingResponse(new NodeStatus("coord-1", NodeRole.MAIN, 4, Optional.of(MAIN), NODES)));
    assertBody(503, "{\"role\":\"standby\",\"node\":\"coord-2\",\"main\":\"http://10.0.0.1:9047\"}",
        StatusRoutes.pingResponse(new NodeStatus("coord-2", NodeRole.STANDBY, 4, Optional.of(MAIN), NODES)));
    assertBody(503, "{\"role\":\"locking\",\"node\":\"coord-2\",\"main\":null}",
        StatusRoutes.pingResponse(new NodeStatus("coord-2", NodeRole.LOCKING, 0, Optional.empty(), List.of())));
  }

  @Test
  void cluster() {
    ExecutorRegistry.ExecutorList executors =
        new ExecutorRegistry.ExecutorList(
            4,
            List.of(
                new ExecutorRegistry.ExecutorInfo(
                    "exec-1", "pekko://mainstay@10.0.0.4:45678", 8, 4, ExecutorRegistry.ExecutorState.REGISTERED, T1,
                    List.of(new ServiceBoard.ExtensionState("probe", "0.1.0", List.of(new ServiceBoard.ServiceState(
                        "executor", ServiceSupervisor.State.RUNNING, 0, Optional.empty())))))));
    NodeStatus status = new NodeStatus("coord-2", NodeRole.STANDBY, 4, Optional.of(MAIN), NODES);
    assertBody(200, "{\"node\":\"coord-2\",\"role\":\"standby\",\"main\":{\"node\":\"coord-1\",\"url\":\"http://10.0.0.1:9047\",\"address\":\"pekko://mainstay@10.0.0.1:45678\",\"epoch\":4,\"since\":\"2026-01-02T03:04:05.678Z\"},\"standbys\":[{\"node\":\"coord-2\",\"url\":\"http://10.0.0.2:9047\",\"address\":\"pekko://mainstay@10.0.0.2:45678\"}],\"coordinators\":[{\"node\":\"coord-3\",\"url\":\"http://10.0.0.3:9047\",\"address\":\"pekko://mainstay@10.0.0.3:45678\"}],\"executors\":[{\"node\":\"exec-1\",\"address\":\"pekko://mainstay@10.0.0.4:45678\",\"slots\":8,\"epoch\":4,\"state\":\"registered\",\"lastHeartbeat\":\"2026-01-02T03:04:06Z\",\"extensions\":[{\"name\":\"probe\",\"version\":\"0.1.0\",\"services\":[{\"kind\":\"executor\",\"state\":\"RUNNING\",\"restarts\":0,\"lastFailure\":null}]}]}],\"extensions\":[]}", StatusRoutes.clusterResponse(new ClusterView(status, Optional.of(executors), Optional.empty(), List.of())));
    assertBody(200, "{\"node\":\"coord-2\",\"role\":\"standby\",\"main\":null,\"standbys\":[],\"coordinators\":[],\"executors\":[],\"executorsError\":\"no main is published\",\"extensions\":[{\"name\":\"checksum\",\"version\":\"1.0\",\"services\":[{\"kind\":\"main\",\"state\":\"RESTARTING\",\"restarts\":2,\"lastFailure\":\"java.lang.IllegalStateException: x\"}]}]}", StatusRoutes.clusterResponse(
        new ClusterView(new NodeStatus("coord-2", NodeRole.STANDBY, 0, Optional.empty(), List.of()), Optional.empty(),
            Optional.of("no main is published"),
            List.of(new ServiceBoard.ExtensionState("checksum", "1.0", List.of(new ServiceBoard.ServiceState(
                "main", ServiceSupervisor.State.RESTARTING, 2, Optional.of("java.lang.IllegalStateException: x"))))))));
  }

  @Test
  void probe() {
    ProbeResult result = new ProbeResult(100, 200, 300, "/data", 1.5, 2);
    assertBody(200, "{\"epoch\":4,\"executors\":[{\"node\":\"exec-1\",\"roundTripMs\":12,\"result\":{\"freeHeapBytes\":100,\"maxHeapBytes\":200,\"freeDiskBytes\":300,\"diskPath\":\"/data\",\"loadAverage\":1.5,\"cores\":2}},{\"node\":\"exec-2\",\"roundTripMs\":5000,\"error\":\"no answer within the deadline\"}]}", JsonResponses.json(StatusCodes.OK, ProbeRoutes.Report.of(new ProbeReport(4, List.of(
        new ProbeReport.Answer("exec-1", Optional.of(result), Optional.empty(), 12),
        new ProbeReport.Answer("exec-2", Optional.empty(), Optional.of("no answer within the deadline"), 5000))))));
  }

  /** What the runtime gives every extension's routes, without a node behind it: the bodies are the point. */
  private static final RouteContext ROUTES = new JsonRouteContext() {
    @Override
    public <T, R> CompletionStage<R> askMain(Function<ActorRef<R>, T> message, Duration timeout) {
      throw new UnsupportedOperationException("no main here");
    }

    @Override
    public <T, R> CompletionStage<R> askCoordinator(Function<ActorRef<R>, T> message, Duration timeout) {
      throw new UnsupportedOperationException("no coordinator here");
    }
  };

  @Test
  void catalog() {
    byte[] document = "{ \"owner\" : \"sales\", \"n\": [1, 2] }".getBytes(StandardCharsets.UTF_8);
    assertBody(200, "{\"name\":\"orders\",\"version\":3,\"epoch\":4}", CatalogRoutes.toResponse(ROUTES, new CatalogReply.Written("orders", 3, 4)));
    assertBody(200, "{\"name\":\"orders\",\"version\":3,\"epoch\":4,\"updated\":\"2026-01-02T03:04:05.678Z\",\"document\":{\"owner\":\"sales\",\"n\":[1,2]}}", CatalogRoutes.toResponse(ROUTES, new CatalogReply.Found("orders", 3, 4, T0, document)));
    assertBody(200, "{\"entries\":[{\"name\":\"a\",\"version\":1},{\"name\":\"b\",\"version\":2}]}", CatalogRoutes.toResponse(ROUTES, new CatalogReply.Listing(
        List.of(new ExtensionStore.Version("a", 1), new ExtensionStore.Version("b", 2)))));
    assertBody(200, "{\"name\":\"orders\",\"deleted\":true}", CatalogRoutes.toResponse(ROUTES, new CatalogReply.Deleted("orders", 4)));
    assertBody(404, "{\"error\":\"no catalog entry named 'orders'\"}", CatalogRoutes.toResponse(ROUTES, new CatalogReply.NotFound("orders")));
    assertBody(400, "{\"error\":\"body must be a JSON object\"}", JsonResponses.error(StatusCodes.BAD_REQUEST, "body must be a JSON object"));
  }

  @Test
  void epochs() {
    assertBody(200, "{\"epochs\":[{\"epoch\":1,\"node\":\"coord-1\",\"since\":\"2026-01-02T03:04:05.678Z\",\"until\":\"2026-01-02T03:04:06Z\"},{\"epoch\":2,\"node\":\"coord-2\",\"since\":\"2026-01-02T03:04:06Z\",\"until\":null}]}", EpochRoutes.toResponse(new StoreReply.EpochHistory(List.of(
        new EpochRecord(1, "coord-1", T0, Optional.of(T1)), new EpochRecord(2, "coord-2", T1, Optional.empty())))));
    assertBody(503, "{\"error\":\"this node is standby, not the main\",\"main\":null}", EpochRoutes.toResponse(new StoreReply.Unavailable("this node is standby, not the main", Optional.empty())));
  }

  private static void assertBody(int status, String json, HttpResponse response) {
    String body = ((HttpEntity.Strict) response.entity()).getData().utf8String();
    assertEquals(status, response.status().intValue(), body);
    assertEquals(json, body);
  }
}
