package io.mainstay.sql.planning;

import java.util.Optional;

/** Looks datasets up by name, so the planner only learns about the datasets a query names. */
public interface Datasets {
  Optional<DatasetSchema> find(String name);
}
