package io.mainstay.actors.probe;

import java.util.List;
import java.util.Optional;

/** The answer to a probe: one line per executor registered when it started, at the main's epoch. */
public record ProbeReport(long epoch, List<Answer> answers) {

  /** {@code result} or {@code error} is present; the round trip is measured by the main. */
  public record Answer(String node, Optional<ProbeResult> result, Optional<String> error, long roundTripMillis) {}
}
