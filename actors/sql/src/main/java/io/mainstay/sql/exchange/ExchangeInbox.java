package io.mainstay.sql.exchange;

import org.apache.arrow.vector.ipc.ArrowReader;

/** Where a job's incoming fragment results go: the job's own tables on its coordinator. */
public interface ExchangeInbox {

  /** Consumes {@code rows} into the table of {@code key}, on the calling thread (the Flight call's). */
  void accept(ExchangeKey key, ArrowReader rows) throws Exception;
}
