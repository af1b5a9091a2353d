package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Splits an aggregate into a partial one, run per split next to the scan, and one that combines
 * the partials on the coordinator, so that executors send one row per group instead of every row.
 * Valid for COUNT, SUM, MIN and MAX, and for AVG as a SUM and a COUNT; not for DISTINCT or ordered
 * aggregates, whose partials cannot be combined, nor for sums of integers (see below). The partial
 * may group by more keys than the aggregate: a DISTINCT call whose arguments are among them is
 * computed again on the coordinator over the partial's rows ({@link DistinctSplit}).
 */
final class AggregateSplit {
  /** The functions whose partials combine; with DISTINCT, those {@link DistinctSplit} takes. */
  static final Set<SqlKind> SPLITTABLE =
      Set.of(SqlKind.COUNT, SqlKind.SUM, SqlKind.SUM0, SqlKind.MIN, SqlKind.MAX, SqlKind.AVG);

  private AggregateSplit() {}

  static boolean applies(Aggregate agg) {
    if (agg.getGroupType() != Aggregate.Group.SIMPLE) {
      return false;
    }
    for (AggregateCall call : agg.getAggCallList()) {
      if (call.isDistinct() || !splittable(agg, call)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a call without DISTINCT has partials that can be combined. */
  static boolean splittable(Aggregate agg, AggregateCall call) {
    return plain(call) && SPLITTABLE.contains(call.getAggregation().getKind())
        && !sumsIntegers(agg, call);
  }

  /** No FILTER, WITHIN GROUP or WITHIN DISTINCT: only the function, its arguments, DISTINCT. */
  static boolean plain(AggregateCall call) {
    return !call.hasFilter() && call.distinctKeys == null
        && call.getCollation().getFieldCollations().isEmpty() && call.rexList.isEmpty();
  }

  /**
   * DuckDB sums integers as HUGEINT, which Parquet (how fragment results travel) only holds as
   * DOUBLE: a partial sum would lose digits, so such an aggregate stays whole.
   */
  private static boolean sumsIntegers(Aggregate agg, AggregateCall call) {
    SqlKind kind = call.getAggregation().getKind();
    return (kind == SqlKind.SUM || kind == SqlKind.SUM0) && SqlTypeName.INT_TYPES.contains(
        agg.getInput().getRowType().getFieldList().get(call.getArgList().get(0)).getType()
            .getSqlTypeName());
  }

  /** The per-split aggregate: the group keys, then one partial per call (two for AVG). */
  static RelNode partial(Aggregate agg) {
    return partial(agg, agg.getGroupSet());
  }

  /**
   * The per-split aggregate grouped by {@code keys} (the group keys and maybe more): the keys,
   * then one partial per call without DISTINCT (two for AVG).
   */
  static RelNode partial(Aggregate agg, ImmutableBitSet keys) {
    RelNode input = agg.getInput();
    int groups = keys.cardinality();
    List<AggregateCall> partials = new ArrayList<>();
    for (AggregateCall call : agg.getAggCallList()) {
      if (call.isDistinct()) {
        continue;
      }
      if (call.getAggregation().getKind() == SqlKind.AVG) {
        partials.add(derived(SqlStdOperatorTable.SUM, call.getArgList(), groups, input, partials));
        partials.add(derived(SqlStdOperatorTable.COUNT, call.getArgList(), groups, input, partials));
      } else {
        partials.add(derived(call.getAggregation(), call.getArgList(), groups, input, partials));
      }
    }
    return LogicalAggregate.create(input, List.of(), keys, null, partials);
  }

  /**
   * Combines the partials read from {@code partials} into the original aggregate's rows, with its
   * field names and Calcite types, and with the values DuckDB's own aggregate would give.
   */
  static RelNode combine(Aggregate agg, RelNode partials) {
    return combine(agg, agg.getGroupSet(), partials);
  }

  /** Combines partials grouped by {@code keys}, as {@link #partial(Aggregate, ImmutableBitSet)}. */
  static RelNode combine(Aggregate agg, ImmutableBitSet keys, RelNode partials) {
    return finish(agg, combining(agg, keys, partials));
  }

  /**
   * Aggregates the partials per group: counts are summed, AVG's sum and count each summed, and
   * DISTINCT calls computed again over the keys they read.
   */
  private static RelNode combining(Aggregate agg, ImmutableBitSet keys, RelNode partials) {
    RelDataTypeFactory types = agg.getCluster().getTypeFactory();
    List<AggregateCall> combined = new ArrayList<>();
    int field = keys.cardinality();
    for (AggregateCall call : agg.getAggCallList()) {
      SqlKind kind = call.getAggregation().getKind();
      if (call.isDistinct()) {
        List<Integer> args = call.getArgList().stream().map(keys::indexOf).toList();
        combined.add(AggregateCall.create(call.getAggregation(), true, false, false, List.of(),
            args, -1, null, RelCollations.EMPTY, call.getType(), "combined$" + combined.size()));
      } else if (kind == SqlKind.AVG) {
        RelDataType sum = partials.getRowType().getFieldList().get(field).getType();
        combined.add(typed(SqlStdOperatorTable.SUM, field++, sum, combined));
        combined.add(typed(SqlStdOperatorTable.SUM0, field++,
            types.createSqlType(SqlTypeName.BIGINT), combined));
      } else {
        SqlAggFunction function = kind == SqlKind.COUNT ? SqlStdOperatorTable.SUM0
            : call.getAggregation();
        combined.add(typed(function, field++, call.getType(), combined));
      }
    }
    ImmutableBitSet groups = ImmutableBitSet.of(
        agg.getGroupSet().asList().stream().map(keys::indexOf).toList());
    return LogicalAggregate.create(partials, List.of(), groups, null, combined);
  }

  /** Turns the combined columns back into the original aggregate's, by name and type. */
  private static RelNode finish(Aggregate agg, RelNode aggregate) {
    RexBuilder rex = agg.getCluster().getRexBuilder();
    RelDataTypeFactory types = rex.getTypeFactory();
    int groups = agg.getGroupCount();
    List<RexNode> exprs = new ArrayList<>();
    for (int i = 0; i < groups; i++) {
      exprs.add(rex.makeInputRef(aggregate, i));
    }
    int ref = groups;
    for (AggregateCall call : agg.getAggCallList()) {
      SqlKind kind = call.getAggregation().getKind();
      RexNode value = rex.makeInputRef(aggregate, ref++);
      if (call.isDistinct()) {
        // Computed whole on the coordinator: already the value and type DuckDB gives.
        exprs.add(value);
        continue;
      }
      if (kind == SqlKind.AVG) {
        // DuckDB's AVG is a DOUBLE whatever it averages: divide as DOUBLE.
        RelDataType dbl = types.createTypeWithNullability(
            types.createSqlType(SqlTypeName.DOUBLE), true);
        value = rex.makeCall(call.getType(), SqlStdOperatorTable.DIVIDE,
            List.of(rex.makeAbstractCast(dbl, value, false), rex.makeInputRef(aggregate, ref++)));
      } else if (kind == SqlKind.COUNT) {
        // DuckDB sums BIGINT counts as HUGEINT; a count stays BIGINT.
        value = rex.makeAbstractCast(call.getType(), value, false);
      }
      exprs.add(value);
    }
    return LogicalProject.create(aggregate, List.of(), exprs, agg.getRowType().getFieldNames(),
        Set.of());
  }

  private static AggregateCall derived(SqlAggFunction function, List<Integer> args, int groups,
      RelNode input, List<AggregateCall> named) {
    return AggregateCall.create(function, false, false, false, List.of(), args, -1, null,
        RelCollations.EMPTY, groups, input, null, "partial$" + named.size());
  }

  private static AggregateCall typed(SqlAggFunction function, int arg, RelDataType type,
      List<AggregateCall> named) {
    return AggregateCall.create(function, false, false, false, List.of(), List.of(arg), -1, null,
        RelCollations.EMPTY, type, "combined$" + named.size());
  }
}
