package io.mainstay.sql.planning;

import java.util.List;

/** A dataset's name and its ordered columns, as the planner needs them to validate queries. */
public record DatasetSchema(String name, List<Column> columns) {
  public DatasetSchema {
    columns = List.copyOf(columns);
  }
}
