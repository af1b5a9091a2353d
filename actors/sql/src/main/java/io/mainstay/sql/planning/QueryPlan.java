package io.mainstay.sql.planning;

import java.util.List;

/**
 * A query cut for the cluster: the scans to run on executors, the joins of some of them run per partition on
 * executors, and the SQL that the coordinator runs over the results of the other scans and of the joins
 * (reading relations named after each one's {@code input}).
 *
 * @param gatherOnly the final stage only concatenates the one scan's splits, in no order: each split's
 *     rows are part of the answer as they are (so CREATE TABLE AS can have executors write them)
 */
public record QueryPlan(List<ScanFragment> scans, List<JoinFragment> joins, String finalSql, List<Column> columns,
    boolean gatherOnly) {
  public QueryPlan {
    scans = List.copyOf(scans);
    joins = List.copyOf(joins);
    columns = List.copyOf(columns);
  }
}
