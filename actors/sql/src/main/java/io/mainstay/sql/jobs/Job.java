package io.mainstay.sql.jobs;

import io.mainstay.sql.planning.Column;
import java.time.Instant;
import java.util.List;

/**
 * A query as the store keeps it and the API shows it: written when it starts running and when it ends, and
 * kept current in its coordinator's memory in between.
 *
 * @param epoch the term of the main that ran it; a newer main fails the unfinished jobs of older terms
 * @param schema the result's columns, once COMPLETED
 */
public record Job(
    String id, String sql, State state, String coordinator, long epoch, Instant submitted, Instant started,
    Instant ended, Long rowCount, String errorMessage, List<Column> schema, List<Fragment> fragments) {

  public enum State {
    ENQUEUED, PLANNING, RUNNING, COMPLETED, FAILED, CANCELED;

    boolean finished() {
      return this == COMPLETED || this == FAILED || this == CANCELED;
    }
  }

  /**
   * One split of one scan fragment, or one partition of a partitioned join: where its last attempt ran and how
   * it went.
   *
   * @param dataset the dataset split; null for a join's partition
   * @param broadcast the datasets each split of the fragment reads whole (small ones joined to it)
   * @param sides for a join's partition, the inputs of the two scan fragments whose rows it joins; empty for a split
   * @param split the split's index, or the partition's
   * @param bytes the size of the split's files
   * @param state RUNNING, DONE or FAILED; WAITING (a join's side, until the executors of its partitions take
   *     its rows) or PENDING (a join's partition, until both sides are in)
   */
  public record Fragment(
      String input, String dataset, List<String> broadcast, List<String> sides, int split, int files, long bytes,
      String executor, int attempts, String state, Long rows, Long millis) {
    public Fragment {
      broadcast = broadcast == null ? List.of() : List.copyOf(broadcast);
      sides = sides == null ? List.of() : List.copyOf(sides);
    }
  }

  public Job {
    schema = schema == null ? List.of() : List.copyOf(schema);
    fragments = fragments == null ? List.of() : List.copyOf(fragments);
  }

  Job running(State state, Instant started, List<Fragment> fragments) {
    return new Job(id, sql, state, coordinator, epoch, submitted, started, null, null, null, schema, fragments);
  }

  Job progress(List<Fragment> fragments) {
    return new Job(id, sql, state, coordinator, epoch, submitted, started, ended, rowCount, errorMessage, schema, fragments);
  }

  Job completed(long rows, List<Column> columns) {
    return new Job(id, sql, State.COMPLETED, coordinator, epoch, submitted, started, Instant.now(), rows, null, columns,
        fragments);
  }

  Job ended(State state, String message) {
    return new Job(id, sql, state, coordinator, epoch, submitted, started, Instant.now(), null, message, schema, fragments);
  }
}
