package io.mainstay.sql.planning;

import java.util.List;

/**
 * A leaf of a distributed query, run once per split of a dataset's files.
 *
 * @param input name under which the union of all splits' results is offered to the final SQL
 * @param dataset the dataset read per split; the executor exposes its split as a relation of this
 *     name
 * @param sql DuckDB SQL reading only from the quoted relations {@code dataset} and {@code
 *     broadcast}
 * @param broadcast the datasets every split reads whole (small ones joined to the split), each
 *     exposed as a relation of its name over all its files; never {@code dataset}
 */
public record ScanFragment(String input, String dataset, String sql, List<String> broadcast) {
  public ScanFragment {
    broadcast = List.copyOf(broadcast);
  }
}
