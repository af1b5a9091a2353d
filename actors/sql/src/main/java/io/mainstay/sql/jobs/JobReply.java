package io.mainstay.sql.jobs;

import io.mainstay.actors.CborSerializable;
import io.mainstay.sql.planning.Column;
import io.mainstay.sql.planning.SqlRejected;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** What the job manager answers. */
public sealed interface JobReply extends CborSerializable {

  record Accepted(String id) implements JobReply {}

  /** The statement was refused before it ran: a 400. */
  record Rejected(SqlRejected.Kind kind, String message) implements JobReply {}

  record Found(Job job) implements JobReply {}

  record Listing(List<Job> jobs) implements JobReply {}

  record Page(long rowCount, List<Column> schema, List<List<Object>> rows) implements JobReply {}

  /**
   * A finished job's whole result as an Arrow IPC stream, read from the coordinator's DuckDB as the client
   * takes it; answered only on the coordinator that holds the rows, never sent between nodes.
   */
  record Rows(Job job, Source<ByteString, NotUsed> arrow) implements JobReply {}

  record NotFound(String message) implements JobReply {}

  /** The job exists but cannot answer this now (results of an unfinished job, results expired): a 409. */
  record Conflict(String message) implements JobReply {}

  /** This node is a standby: the client goes to the main ({@code mainUrl}, when one is known). A 503. */
  record NotHere(String reason, Optional<String> mainUrl) implements JobReply {}

  /** The store could not vouch for the answer (fenced, deposed, full): a 503. */
  record Unavailable(String reason) implements JobReply {}
}
