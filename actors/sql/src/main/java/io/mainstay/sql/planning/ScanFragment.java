package io.mainstay.sql.planning;

/**
 * A leaf of a distributed query, run once per split of a dataset's files.
 *
 * @param input name under which the union of all splits' results is offered to the final SQL
 * @param dataset the dataset read; the executor exposes its split as a relation of this name
 * @param sql DuckDB SQL reading only from the quoted relation {@code dataset}
 */
public record ScanFragment(String input, String dataset, String sql) {}
