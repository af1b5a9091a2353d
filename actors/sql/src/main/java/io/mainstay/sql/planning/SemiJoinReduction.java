package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * A join of a small side with an aggregate grouped by its join keys over a large dataset (how Calcite writes
 * EXISTS, IN and correlated aggregates: TPC-H Q4, Q17, Q20): the aggregate's input is first semi-joined with
 * the small side on those keys, so each split of the large dataset aggregates, and sends, only the groups that
 * can match. Filtering a side by the other side's keys changes no join result as long as that side's
 * unmatched rows are not kept (it is not the preserved side of an outer join): a row whose key the other side
 * lacks matches nothing, and a group is kept or dropped whole. The small side is read whole by every split
 * ({@link BroadcastJoins}) and again where the join runs.
 */
final class SemiJoinReduction {
  /** Join types in which the aggregated side's unmatched rows vanish, by which side is aggregated. */
  private static final Set<JoinRelType> RIGHT_REDUCIBLE =
      EnumSet.of(JoinRelType.INNER, JoinRelType.LEFT, JoinRelType.SEMI, JoinRelType.ANTI);
  private static final Set<JoinRelType> LEFT_REDUCIBLE = EnumSet.of(JoinRelType.INNER, JoinRelType.RIGHT);

  private final BroadcastJoins placements;

  SemiJoinReduction(BroadcastJoins placements) {
    this.placements = placements;
  }

  /** {@code join} with its aggregated side's input reduced by the other side's keys, when that runs per split. */
  Optional<Join> reduce(Join join) {
    if (!BroadcastJoins.isPlain(join)) {
      return Optional.empty();
    }
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty() || !info.isEqui()) {
      return Optional.empty();
    }
    if (RIGHT_REDUCIBLE.contains(join.getJoinType())) {
      Optional<RelNode> right = reduced(join.getRight(), info.rightKeys, join.getLeft(), info.leftKeys);
      if (right.isPresent()) {
        return Optional.of(join.copy(join.getTraitSet(), List.of(join.getLeft(), right.get())));
      }
    }
    if (LEFT_REDUCIBLE.contains(join.getJoinType())) {
      return reduced(join.getLeft(), info.leftKeys, join.getRight(), info.rightKeys)
          .map(left -> join.copy(join.getTraitSet(), List.of(left, join.getRight())));
    }
    return Optional.empty();
  }

  /**
   * {@code side} with the input of its aggregate semi-joined with {@code other} on the keys, when the
   * aggregate's input can run per split with {@code other} read whole; else empty.
   */
  private Optional<RelNode> reduced(RelNode side, List<Integer> keys, RelNode other, List<Integer> otherKeys) {
    Optional<GroupedSide> grouped = GroupedSide.of(side, keys);
    if (grouped.isEmpty()) {
      return Optional.empty();
    }
    RelNode input = grouped.get().aggregate().getInput();
    if (placements.place(input).isEmpty()) {
      return Optional.empty(); // the aggregate does not run per split anyway
    }
    RexBuilder rex = input.getCluster().getRexBuilder();
    // only the other side's keys, under names of their own: written back as SQL, the semi join's condition
    // names the input's columns unqualified, which a table or column of the same name there would capture
    List<RexNode> otherKeyRefs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < otherKeys.size(); i++) {
      otherKeyRefs.add(rex.makeInputRef(other, otherKeys.get(i)));
      names.add("semi_key_" + i);
    }
    RelNode otherKeysOnly = LogicalProject.create(other, List.of(), otherKeyRefs, names, Set.of());
    int width = input.getRowType().getFieldCount();
    List<RexNode> equal = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      equal.add(rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeInputRef(input, grouped.get().columns().get(i)),
          rex.makeInputRef(otherKeyRefs.get(i).getType(), width + i)));
    }
    RelNode semi = LogicalJoin.create(input, otherKeysOnly, List.of(), RexUtil.composeConjunction(rex, equal),
        Set.of(), JoinRelType.SEMI);
    if (placements.place(semi).isEmpty()) {
      return Optional.empty(); // other is not small enough to be read whole by every split
    }
    return Optional.of(PartitionedJoins.swap(side, input, semi));
  }
}
