package io.mainstay.sql.planning;

import java.util.List;

/**
 * A dataset's name, its ordered columns, as the planner needs them to validate queries, and the
 * total size of its files, by which it decides which datasets are small enough to read whole.
 */
public record DatasetSchema(String name, List<Column> columns, long bytes) {
  public DatasetSchema {
    columns = List.copyOf(columns);
  }
}
