package io.mainstay.runtime.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mainstay.actors.coordination.MainRecord;
import io.mainstay.actors.coordination.NodeRecord;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.extension.ServiceBoard;
import io.mainstay.actors.node.ClusterView;
import io.mainstay.actors.node.NodeRole;
import io.mainstay.actors.node.NodeStatus;
import io.mainstay.actors.node.RequestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

  /** {@code /ping} on the main: 200. */
  record MainPing(String role, String node, long epoch, @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Instant> since) {}

  /** {@code /ping} anywhere else: 503, with the main's URL or {@code null}. */
  record OtherPing(String role, String node, String main) {}

  /** {@code /api/v1/cluster}; {@code main} is {@code null} while none is published. */
  record Cluster(
      String node,
      String role,
      Main main,
      List<Node> standbys,
      List<Node> coordinators,
      List<ExecutorRegistry.ExecutorInfo> executors,
      @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> executorsError,
      List<ServiceBoard.ExtensionState> extensions) {}

  record Main(String node, String url, String address, long epoch, Instant since) {
    static Main of(MainRecord record) {
      return new Main(record.node(), record.webUrl(), record.pekkoAddress(), record.epoch(), record.since());
    }
  }

  record Node(String node, String url, String address) {
    static Node of(NodeRecord record) {
      return new Node(record.node(), record.webUrl(), record.pekkoAddress());
    }
  }

  private final ActorRef<RequestGateway.Request> gateway;
  private final Scheduler scheduler;
  private final Duration timeout;

  StatusRoutes(ActorRef<RequestGateway.Request> gateway, Scheduler scheduler, Duration timeout) {
    this.gateway = gateway;
    this.scheduler = scheduler;
    this.timeout = timeout;
    // Jackson builds a record's serializer on first use: a standby renders the main's answer once now, so
    // its first /ping as a new main does not pay for that in the middle of a failover
    pingResponse(new NodeStatus("warm-up", NodeRole.MAIN, 0, Optional.empty(), List.of()));
  }

  Route ping() {
    CompletionStage<NodeStatus> status = AskPattern.ask(gateway, RequestGateway.GetStatus::new, timeout, scheduler);
    return completeWithFuture(status.thenApply(StatusRoutes::pingResponse));
  }

  Route cluster() {
    CompletionStage<ClusterView> view = AskPattern.ask(gateway, RequestGateway.GetClusterView::new, timeout, scheduler);
    return completeWithFuture(view.thenApply(StatusRoutes::clusterResponse));
  }

  static HttpResponse pingResponse(NodeStatus status) {
    String role = status.role().label();
    if (status.servingAsMain()) {
      return JsonResponses.json(
          StatusCodes.OK, new MainPing(role, status.node(), status.epoch(), status.main().map(MainRecord::since)));
    }
    return JsonResponses.json(
        StatusCodes.SERVICE_UNAVAILABLE, new OtherPing(role, status.node(), status.main().map(MainRecord::webUrl).orElse(null)));
  }

  static HttpResponse clusterResponse(ClusterView view) {
    NodeStatus status = view.status();
    Optional<String> mainNode = status.main().map(MainRecord::node);
    Cluster body =
        new Cluster(
            status.node(),
            status.role().label(),
            status.main().map(Main::of).orElse(null),
            nodes(status, n -> n.hasRole(NodeRecord.MAIN_ELIGIBLE) && !mainNode.equals(Optional.of(n.node()))),
            nodes(status, n -> n.hasRole(NodeRecord.COORDINATOR) && !n.hasRole(NodeRecord.MAIN_ELIGIBLE)),
            view.executors().map(ExecutorRegistry.ExecutorList::executors).orElse(List.of()),
            view.executorsError(),
            view.extensions());
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private static List<Node> nodes(NodeStatus status, Predicate<NodeRecord> which) {
    return status.nodes().stream().filter(which).map(Node::of).toList();
  }
}
