package io.mainstay.actors.fragment;

import java.util.List;
import java.util.Optional;

/** The answer to a probe request: one line per registered executor, or why there is none. */
public sealed interface ProbeReply {

  record Report(long epoch, List<Answer> answers) implements ProbeReply {}

  /** {@code result} or {@code error} is present; the round trip is measured by the main. */
  record Answer(String node, Optional<ProbeResult> result, Optional<String> error, long roundTripMillis) {}

  record Unavailable(String reason, Optional<String> mainUrl) implements ProbeReply {}
}
