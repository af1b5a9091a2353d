package io.mainstay.actors.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mainstay.actors.Failures;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.RouteContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST [?deadlineMs=N][&holdMs=M]}: the probe fragment on every registered executor, served at
 * {@code /api/v1/probe} (and {@code /api/v1/ext/probe/}). {@code holdMs} keeps each fragment running that
 * long, for drills that need work in flight.
 */
public final class ProbeRoutes extends AllDirectives implements ExtensionRoutes {

  /** The most a caller may ask for, as deadline or as hold. */
  static final long MAX_DEADLINE_MS = 60_000;

  /** A probe's deadline when the caller names none. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  /** How long after a probe's deadline its report may still come. */
  static final Duration ANSWER_MARGIN = Duration.ofSeconds(5);

  /** The body of a report. */
  public record Report(long epoch, List<Answer> executors) {
    public static Report of(ProbeReport report) {
      return new Report(report.epoch(), report.answers().stream().map(Answer::of).toList());
    }
  }

  /** One executor's line: its result or its error, whichever it has. */
  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  public record Answer(String node, long roundTripMs, Optional<ProbeResult> result, Optional<String> error) {
    static Answer of(ProbeReport.Answer answer) {
      return new Answer(answer.node(), answer.roundTripMillis(), answer.result(), answer.error());
    }
  }

  @Override
  public Route create(RouteContext context) {
    return pathEndOrSingleSlash(() -> post(() -> parameterOptional(
        "deadlineMs", deadline -> parameterOptional("holdMs", hold -> probe(context, deadline, hold)))));
  }

  private Route probe(RouteContext context, Optional<String> deadlineParameter, Optional<String> holdParameter) {
    long deadlineMs = millis(deadlineParameter, DEFAULT_DEADLINE.toMillis());
    long holdMs = millis(holdParameter, 0);
    if (deadlineMs < 1 || deadlineMs > MAX_DEADLINE_MS) {
      return complete(context.error(StatusCodes.BAD_REQUEST, "deadlineMs must be a number from 1 to " + MAX_DEADLINE_MS));
    }
    if (holdMs < 0 || holdMs > MAX_DEADLINE_MS) {
      return complete(context.error(StatusCodes.BAD_REQUEST, "holdMs must be a number from 0 to " + MAX_DEADLINE_MS));
    }
    Duration deadline = Duration.ofMillis(deadlineMs);
    return completeWithFuture(
        context.<ProbeService.Run, ProbeReport>askMain(
                replyTo -> new ProbeService.Run(deadline, Duration.ofMillis(holdMs), replyTo),
                deadline.plus(ANSWER_MARGIN))
            .handle((report, failure) -> {
              if (failure == null) {
                return context.json(StatusCodes.OK, Report.of(report));
              }
              if (Failures.unwrap(failure) instanceof TimeoutException) {
                return context.error(StatusCodes.SERVICE_UNAVAILABLE, "the main did not answer in time");
              }
              // not the main, or the service is down: the runtime answers as for any extension
              throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
            }));
  }

  /** The parameter as a number of milliseconds; -1 when it is not a number, so range checks reject it. */
  private static long millis(Optional<String> parameter, long absent) {
    try {
      return parameter.map(Long::parseLong).orElse(absent);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
