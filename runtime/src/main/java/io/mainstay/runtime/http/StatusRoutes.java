package io.mainstay.runtime.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.node.ClusterView;
import io.mainstay.actors.node.NodeStatus;
import io.mainstay.actors.node.NodeSupervisor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /ping} (is this the active main?) and {@code /api/v1/cluster} (who is where). */
final class StatusRoutes extends AllDirectives {

  private final ActorRef<NodeSupervisor.Command> supervisor;
  private final Scheduler scheduler;
  private final Duration timeout;

  StatusRoutes(ActorRef<NodeSupervisor.Command> supervisor, Scheduler scheduler, Duration timeout) {
    this.supervisor = supervisor;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  Route ping() {
    return completeWithFuture(status().thenApply(StatusRoutes::pingResponse));
  }

  Route cluster() {
    CompletionStage<ClusterView> view = AskPattern.ask(supervisor, NodeSupervisor.GetClusterView::new, timeout, scheduler);
    return completeWithFuture(view.thenApply(StatusRoutes::clusterResponse));
  }

  private CompletionStage<NodeStatus> status() {
    return AskPattern.ask(supervisor, NodeSupervisor.GetStatus::new, timeout, scheduler);
  }

  private static HttpResponse pingResponse(NodeStatus status) {
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("role", status.role().label());
    body.put("node", status.node());
    if (status.servingAsMain()) {
      body.put("epoch", status.epoch());
      status.main().ifPresent(main -> body.put("since", main.since().toString()));
      return JsonResponses.json(StatusCodes.OK, body);
    }
    body.put("main", status.main().map(MainRecord::webUrl).orElse(null));
    return JsonResponses.json(StatusCodes.SERVICE_UNAVAILABLE, body);
  }

  private static HttpResponse clusterResponse(ClusterView view) {
    NodeStatus status = view.status();
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("node", status.node());
    body.put("role", status.role().label());
    if (status.main().isPresent()) {
      MainRecord main = status.main().get();
      ObjectNode mainNode = body.putObject("main");
      mainNode.put("node", main.node());
      mainNode.put("url", main.webUrl());
      mainNode.put("address", main.pekkoAddress());
      mainNode.put("epoch", main.epoch());
      mainNode.put("since", main.since().toString());
    } else {
      body.putNull("main");
    }
    String mainNode = status.main().map(MainRecord::node).orElse(null);
    nodes(body.putArray("standbys"), status, n -> n.hasRole(NodeRecord.MAIN_ELIGIBLE) && !n.node().equals(mainNode));
    nodes(body.putArray("coordinators"), status, n -> n.hasRole(NodeRecord.COORDINATOR) && !n.hasRole(NodeRecord.MAIN_ELIGIBLE));
    ArrayNode executors = body.putArray("executors");
    view.executors().ifPresent(list -> list.executors().forEach(e -> {
      ObjectNode entry = executors.addObject();
      entry.put("node", e.node());
      entry.put("address", e.address());
      entry.put("slots", e.slots());
      entry.put("epoch", e.epoch());
      entry.put("state", e.state());
      entry.put("lastHeartbeat", e.lastHeartbeat().toString());
    }));
    view.executorsError().ifPresent(error -> body.put("executorsError", error));
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private static void nodes(ArrayNode into, NodeStatus status, Predicate<NodeRecord> which) {
    status.nodes().stream()
        .filter(which)
        .forEach(
            n -> {
              ObjectNode entry = into.addObject();
              entry.put("node", n.node());
              entry.put("url", n.webUrl());
              entry.put("address", n.pekkoAddress());
            });
  }
}
