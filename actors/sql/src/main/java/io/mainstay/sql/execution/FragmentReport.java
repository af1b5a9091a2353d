package io.mainstay.sql.execution;

import io.mainstay.actors.CborSerializable;
import io.mainstay.sql.exchange.ExchangeAddress;
import io.mainstay.sql.exchange.ExchangeKey;

/** What an executor answers for each fragment attempt it was given, and for each job it opened; crosses nodes. */
public sealed interface FragmentReport extends CborSerializable {

  String executor();

  /** How one attempt of a fragment went. */
  sealed interface Attempted extends FragmentReport {
    ExchangeKey key();
  }

  /** Every row was stored where it was sent. */
  record Succeeded(ExchangeKey key, String executor, long rows, long millis) implements Attempted {}

  /**
   * DuckDB or the exchange failed; {@code message} names the cause.
   *
   * @param sendingTo where the attempt was sending rows when sending failed: the coordinator, or, for a side of
   *     a partitioned join, the executor of a partition (which may be dead, as its coordinator learns a little
   *     later); null when DuckDB failed
   */
  record Failed(ExchangeKey key, String executor, String message, ExchangeAddress sendingTo) implements Attempted {}

  /**
   * The executor takes the job's partitioned rows at {@code address}; or, with {@code address} null, it cannot,
   * and {@code failure} says why.
   */
  record Opened(String job, String executor, ExchangeAddress address, String failure) implements FragmentReport {}
}
