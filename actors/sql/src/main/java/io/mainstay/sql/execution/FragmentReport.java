package io.mainstay.sql.execution;

import io.mainstay.actors.CborSerializable;
import io.mainstay.sql.exchange.ExchangeKey;

/** What an executor answers for each fragment attempt it was given; crosses nodes. */
public sealed interface FragmentReport extends CborSerializable {

  ExchangeKey key();

  String executor();

  /** Every row was stored by the coordinator. */
  record Succeeded(ExchangeKey key, String executor, long rows, long millis) implements FragmentReport {}

  /** DuckDB or the exchange failed; {@code message} names the cause. */
  record Failed(ExchangeKey key, String executor, String message) implements FragmentReport {}
}
