package io.mainstay.sql.planning;

import java.util.List;

/**
 * A query cut for the cluster: the scans to run on executors, and the SQL that the coordinator
 * runs over their results (reading relations named after each scan's {@code input}).
 */
public record QueryPlan(List<ScanFragment> scans, String finalSql, List<Column> columns) {
  public QueryPlan {
    scans = List.copyOf(scans);
    columns = List.copyOf(columns);
  }
}
