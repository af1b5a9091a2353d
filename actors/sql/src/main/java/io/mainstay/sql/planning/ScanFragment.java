package io.mainstay.sql.planning;

import java.util.List;

/**
 * A leaf of a distributed query, run once per split of a dataset's files.
 *
 * @param input name under which the union of all splits' results is offered to the final SQL, or to
 *     the join fragment that reads it
 * @param dataset the dataset read per split; the executor exposes its split as a relation of this
 *     name
 * @param sql DuckDB SQL reading only from the quoted relations {@code dataset} and {@code
 *     broadcast}
 * @param broadcast the datasets every split reads whole (small ones joined to the split), each
 *     exposed as a relation of its name over all its files; never {@code dataset}
 * @param partitionBy null: the rows go to the coordinator; else a side of a {@link JoinFragment}: a
 *     DuckDB expression over the fragment's output columns (a hash of the join keys) whose value
 *     modulo the join's partitions is the partition each row goes to
 */
public record ScanFragment(String input, String dataset, String sql, List<String> broadcast, String partitionBy) {
  public ScanFragment {
    broadcast = List.copyOf(broadcast);
  }

  /** A fragment whose rows go to the coordinator. */
  public ScanFragment(String input, String dataset, String sql, List<String> broadcast) {
    this(input, dataset, sql, broadcast, null);
  }

  /** The rows of partition {@code partition} of {@code partitions}, of the fragment's output held in {@code relation}. */
  public String partitionSql(String relation, int partition, int partitions) {
    return partitionSql(partitionBy, relation, partition, partitions);
  }

  /** The rows of partition {@code partition} of {@code partitions} in {@code relation}, by {@code partitionBy}. */
  public static String partitionSql(String partitionBy, String relation, int partition, int partitions) {
    return "SELECT * FROM " + relation + " WHERE " + partitionBy + " % " + partitions + " = " + partition;
  }
}
