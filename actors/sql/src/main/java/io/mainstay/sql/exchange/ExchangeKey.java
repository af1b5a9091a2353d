package io.mainstay.sql.exchange;

import io.mainstay.actors.CborSerializable;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;

/**
 * Which attempt of which split of which fragment a stream carries: the Flight descriptor's path. Each attempt
 * lands in a table of its own, so a repeated fragment (its executor was lost) never mixes with a partial
 * earlier attempt.
 */
public record ExchangeKey(String job, String input, int split, int attempt) implements CborSerializable {

  FlightDescriptor descriptor() {
    return FlightDescriptor.path(job, input, Integer.toString(split), Integer.toString(attempt));
  }

  static ExchangeKey of(FlightDescriptor descriptor) {
    List<String> path = descriptor.isCommand() ? List.of() : descriptor.getPath();
    if (path.size() != 4) {
      throw new IllegalArgumentException("not a fragment result: " + descriptor);
    }
    return new ExchangeKey(path.get(0), path.get(1), Integer.parseInt(path.get(2)), Integer.parseInt(path.get(3)));
  }

  /** The stream of this attempt's rows that go to partition {@code partition} of a join. */
  public ExchangeKey bucket(int partition) {
    return new ExchangeKey(job, input + "#" + partition, split, attempt);
  }

  /** The table this attempt's rows are appended to where they are received. */
  public String table() {
    return input + "$" + split + "$" + attempt;
  }
}
