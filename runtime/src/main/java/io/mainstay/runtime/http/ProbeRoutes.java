package io.mainstay.runtime.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mainstay.actors.fragment.ProbeReply;
import io.mainstay.actors.fragment.ProbeRequest;
import io.mainstay.actors.fragment.ProbeResult;
import io.mainstay.actors.node.RequestGateway;
import java.time.Duration;
import java.util.List;
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

  /** The most a caller may ask for, as deadline or as hold. */
  static final long MAX_DEADLINE_MS = 60_000;

  record Report(long epoch, List<Answer> executors) {}

  /** One executor's line: its result or its error, whichever it has. */
  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  record Answer(String node, long roundTripMs, Optional<ProbeResult> result, Optional<String> error) {
    static Answer of(ProbeReply.Answer answer) {
      return new Answer(answer.node(), answer.roundTripMillis(), answer.result(), answer.error());
    }
  }

  private final ActorRef<RequestGateway.Request> gateway;
  private final Scheduler scheduler;
  private final WebServer.Settings settings;

  ProbeRoutes(ActorRef<RequestGateway.Request> gateway, Scheduler scheduler, WebServer.Settings settings) {
    this.gateway = gateway;
    this.scheduler = scheduler;
    this.settings = settings;
  }

  Route probe() {
    return parameterOptional(
        "deadlineMs", deadline -> parameterOptional("holdMs", hold -> probe(deadline, hold)));
  }

  private Route probe(Optional<String> deadlineParameter, Optional<String> holdParameter) {
    long deadlineMs = millis(deadlineParameter, settings.probeDeadline().toMillis());
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
            gateway,
            replyTo -> new RequestGateway.RunProbe(new ProbeRequest(deadline, Duration.ofMillis(holdMs), replyTo)),
            deadline.plus(settings.probeAnswerMargin()),
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

  static HttpResponse toResponse(ProbeReply reply) {
    if (reply instanceof ProbeReply.Report report) {
      return JsonResponses.json(
          StatusCodes.OK, new Report(report.epoch(), report.answers().stream().map(Answer::of).toList()));
    }
    if (reply instanceof ProbeReply.Unavailable unavailable) {
      return JsonResponses.notMain(unavailable.reason(), unavailable.mainUrl());
    }
    throw new IllegalArgumentException("unknown probe reply " + reply);
  }
}
