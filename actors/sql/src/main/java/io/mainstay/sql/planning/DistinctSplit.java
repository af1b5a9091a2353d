package io.mainstay.sql.planning;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Splits an aggregate with DISTINCT calls: each split groups by the group keys and every DISTINCT
 * call's arguments, so it sends each combination once; the coordinator computes the DISTINCT calls
 * over those rows, which hold the same distinct values per group as the whole input. The other
 * calls travel as partials among the keys ({@link AggregateSplit}), so the aggregate is split only
 * when all of them can be.
 */
final class DistinctSplit {
  private DistinctSplit() {}

  static boolean applies(Aggregate agg) {
    if (agg.getGroupType() != Aggregate.Group.SIMPLE) {
      return false;
    }
    boolean distinct = false;
    for (AggregateCall call : agg.getAggCallList()) {
      if (call.isDistinct()) {
        distinct = true;
        if (!AggregateSplit.plain(call) || call.getArgList().isEmpty()
            || !AggregateSplit.SPLITTABLE.contains(call.getAggregation().getKind())) {
          return false;
        }
      } else if (!AggregateSplit.splittable(agg, call)) {
        return false;
      }
    }
    return distinct;
  }

  /** The per-split aggregate: one row per group and combination of DISTINCT arguments. */
  static RelNode partial(Aggregate agg) {
    return AggregateSplit.partial(agg, keys(agg));
  }

  static RelNode combine(Aggregate agg, RelNode partials) {
    return AggregateSplit.combine(agg, keys(agg), partials);
  }

  private static ImmutableBitSet keys(Aggregate agg) {
    ImmutableBitSet.Builder keys = agg.getGroupSet().rebuild();
    for (AggregateCall call : agg.getAggCallList()) {
      if (call.isDistinct()) {
        keys.addAll(call.getArgList());
      }
    }
    return keys.build();
  }
}
