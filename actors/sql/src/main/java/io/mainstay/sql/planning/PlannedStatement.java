package io.mainstay.sql.planning;

/** The statements the cluster accepts: a query, or creating / dropping a table from one. */
public sealed interface PlannedStatement {
  /** A query whose rows go back to the user. */
  record Query(QueryPlan plan) implements PlannedStatement {}

  /** {@code CREATE TABLE name AS query}: the query's rows become a new dataset. */
  record CreateTableAs(String name, QueryPlan plan) implements PlannedStatement {}

  /** {@code DROP TABLE name}: nothing to plan, the caller removes the dataset. */
  record DropTable(String name) implements PlannedStatement {}
}
