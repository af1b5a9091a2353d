package io.mainstay.runtime.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mainstay.actors.fragment.ProbeReply;
import io.mainstay.actors.fragment.ProbeRequest;
import io.mainstay.actors.fragment.ProbeResult;
import io.mainstay.actors.node.NodeSupervisor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/probe[?deadlineMs=N][&holdMs=M]}: the probe fragment on every registered executor.
 * {@code holdMs} keeps each fragment running that long, for drills that need work in flight.
 */
final class ProbeRoutes extends AllDirectives {

  static final long DEFAULT_DEADLINE_MS = 5_000;
  static final long MAX_DEADLINE_MS = 60_000;

  private final ActorRef<NodeSupervisor.Command> supervisor;
  private final Scheduler scheduler;

  ProbeRoutes(ActorRef<NodeSupervisor.Command> supervisor, Scheduler scheduler) {
    this.supervisor = supervisor;
    this.scheduler = scheduler;
  }

  Route probe() {
    return parameterOptional(
        "deadlineMs", deadline -> parameterOptional("holdMs", hold -> probe(deadline, hold)));
  }

  private Route probe(Optional<String> deadlineParameter, Optional<String> holdParameter) {
    long deadlineMs = millis(deadlineParameter, DEFAULT_DEADLINE_MS);
    long holdMs = millis(holdParameter, 0);
    if (deadlineMs < 1 || deadlineMs > MAX_DEADLINE_MS) {
      return complete(
          JsonResponses.error(StatusCodes.BAD_REQUEST, "deadlineMs must be a number from 1 to " + MAX_DEADLINE_MS));
    }
    if (holdMs < 0 || holdMs > MAX_DEADLINE_MS) {
      return complete(
          JsonResponses.error(StatusCodes.BAD_REQUEST, "holdMs must be a number from 0 to " + MAX_DEADLINE_MS));
    }
    Duration deadline = Duration.ofMillis(deadlineMs);
    CompletionStage<ProbeReply> reply =
        AskPattern.ask(
            supervisor,
            replyTo -> new NodeSupervisor.RunProbe(new ProbeRequest(deadline, Duration.ofMillis(holdMs), replyTo)),
            deadline.plusSeconds(5),
            scheduler);
    return completeWithFuture(
        reply.handle(
            (answer, failure) ->
                failure == null
                    ? toResponse(answer)
                    : JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "the main did not answer in time")));
  }

  /** The parameter as a number of milliseconds; -1 when it is not a number, so range checks reject it. */
  private static long millis(Optional<String> parameter, long absent) {
    try {
      return parameter.map(Long::parseLong).orElse(absent);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static HttpResponse toResponse(ProbeReply reply) {
    if (reply instanceof ProbeReply.Unavailable unavailable) {
      return JsonResponses.notMain(unavailable.reason(), unavailable.mainUrl().orElse(null));
    }
    ProbeReply.Report report = (ProbeReply.Report) reply;
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("epoch", report.epoch());
    ArrayNode executors = body.putArray("executors");
    for (ProbeReply.Answer answer : report.answers()) {
      ObjectNode entry = executors.addObject();
      entry.put("node", answer.node());
      entry.put("roundTripMs", answer.roundTripMillis());
      answer.result().ifPresent(result -> entry.set("result", resultBody(result)));
      answer.error().ifPresent(error -> entry.put("error", error));
    }
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private static ObjectNode resultBody(ProbeResult result) {
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    body.put("freeHeapBytes", result.freeHeapBytes());
    body.put("maxHeapBytes", result.maxHeapBytes());
    body.put("freeDiskBytes", result.freeDiskBytes());
    body.put("diskPath", result.diskPath());
    body.put("loadAverage", result.loadAverage());
    body.put("cores", result.cores());
    return body;
  }
}
