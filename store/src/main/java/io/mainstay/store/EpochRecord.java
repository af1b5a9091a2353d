package io.mainstay.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One main's term: {@code node} was main at {@code epoch} from {@code since}, until a graceful end if any. */
public record EpochRecord(long epoch, String node, Instant since, Optional<Instant> until) {

  public EpochRecord {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(until, "until");
  }
}
