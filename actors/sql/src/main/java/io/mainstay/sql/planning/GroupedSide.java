package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexInputRef;

/**
 * A side of a join that is an aggregate grouped by the side's join keys, with filters and projections over
 * it: every group's rows share their keys, so whatever keeps rows of equal keys together (a partition, a
 * filter by the other side's keys) keeps each group whole.
 *
 * @param aggregate the aggregate
 * @param columns the columns of the aggregate's input that are the side's join keys, in key order
 */
record GroupedSide(Aggregate aggregate, List<Integer> columns) {

  /** {@code side} as a grouped side on its output {@code keys}, unless a key is computed or aggregated. */
  static Optional<GroupedSide> of(RelNode side, List<Integer> keys) {
    RelNode node = side;
    List<Integer> columns = keys;
    while (BroadcastJoins.isRowLocal(node)) {
      columns = below(node, columns);
      if (columns == null) {
        return Optional.empty();
      }
      node = node.getInput(0);
    }
    if (!(node instanceof Aggregate agg) || agg.getGroupType() != Aggregate.Group.SIMPLE) {
      return Optional.empty();
    }
    List<Integer> group = agg.getGroupSet().asList();
    List<Integer> grouped = new ArrayList<>();
    for (int column : columns) {
      if (column >= group.size()) {
        return Optional.empty(); // an aggregate's result, not a group key
      }
      grouped.add(group.get(column));
    }
    return Optional.of(new GroupedSide(agg, List.copyOf(grouped)));
  }

  /** The columns of a filter's or projection's input that its output {@code columns} are; null if some are computed. */
  private static List<Integer> below(RelNode node, List<Integer> columns) {
    if (!(node instanceof Project project)) {
      return columns; // a filter
    }
    List<Integer> inputs = new ArrayList<>();
    for (int column : columns) {
      if (!(project.getProjects().get(column) instanceof RexInputRef ref)) {
        return null;
      }
      inputs.add(ref.getIndex());
    }
    return inputs;
  }
}
