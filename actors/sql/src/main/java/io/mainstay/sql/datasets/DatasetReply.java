package io.mainstay.sql.datasets;

import io.mainstay.actors.CborSerializable;
import java.time.Instant;
import java.util.List;

/** What the dataset catalog answers. */
public sealed interface DatasetReply extends CborSerializable {

  /** A dataset as stored, with the store entry's version and the epoch and time of the write. */
  record Found(Dataset dataset, long version, long epoch, Instant updated) implements DatasetReply {}

  record Listing(List<Found> datasets) implements DatasetReply {}

  record Deleted(String name) implements DatasetReply {}

  record NotFound(String name) implements DatasetReply {}

  /** DROP TABLE: the dataset is gone, and so are the {@code deleted} files CREATE TABLE AS wrote for it. */
  record Dropped(String name, int deleted) implements DatasetReply {}

  /** The request cannot be served as asked (bad location, unreadable files): a 400. */
  record Refused(String reason) implements DatasetReply {}

  /** The store could not vouch for the answer (fenced, deposed, full): a 503. */
  record Unavailable(String reason) implements DatasetReply {}
}
