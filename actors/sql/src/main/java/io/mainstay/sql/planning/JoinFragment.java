package io.mainstay.sql.planning;

import java.util.List;

/**
 * A join of two large sides, run once per partition on an executor: each split of the two {@code sides}
 * (scan fragments with a {@code partitionBy}) sends that partition's rows to the executor, which runs
 * {@code sql} over them (the join, and maybe an aggregate's partial above it).
 *
 * @param input name under which the union of all partitions' results is offered to the final SQL
 * @param sides the inputs of the two scan fragments it reads, each as a relation of that name
 */
public record JoinFragment(String input, List<String> sides, String sql) {
  public JoinFragment {
    sides = List.copyOf(sides);
  }
}
