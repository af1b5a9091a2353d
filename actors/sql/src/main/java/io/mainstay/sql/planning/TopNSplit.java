package io.mainstay.sql.planning;

import java.math.BigDecimal;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;

/**
 * Splits a top-N ({@code ORDER BY ... LIMIT n OFFSET m}, or a LIMIT alone) so that each split
 * sends only its first m + n rows in the same order: no row past those can be among the first
 * m + n of the union. The coordinator sorts, skips and limits as the query asks.
 */
final class TopNSplit {
  private static final BigDecimal MAX_LIMIT = BigDecimal.valueOf(Long.MAX_VALUE);

  private TopNSplit() {}

  /** Only literal limits and offsets can be added up at planning time. */
  static boolean applies(Sort sort) {
    return sort.fetch != null && kept(sort) != null;
  }

  /** The per-split sort: the same keys (and NULL order), the first offset + fetch rows. */
  static RelNode partial(Sort sort) {
    RexNode limit = sort.getCluster().getRexBuilder().makeBigintLiteral(kept(sort));
    return LogicalSort.create(sort.getInput(), sort.getCollation(), null, limit);
  }

  /** The query's own sort, offset and limit, over the splits' rows. */
  static RelNode combine(Sort sort, RelNode partials) {
    return sort.copy(sort.getTraitSet(), partials, sort.getCollation(), sort.offset, sort.fetch);
  }

  /** offset + fetch, or null when either is not a literal or the sum is past a BIGINT. */
  private static BigDecimal kept(Sort sort) {
    BigDecimal fetch = value(sort.fetch);
    BigDecimal offset = sort.offset == null ? BigDecimal.ZERO : value(sort.offset);
    if (fetch == null || offset == null) {
      return null;
    }
    BigDecimal sum = fetch.add(offset);
    return sum.compareTo(MAX_LIMIT) > 0 ? null : sum;
  }

  private static BigDecimal value(RexNode node) {
    return node instanceof RexLiteral literal ? literal.getValueAs(BigDecimal.class) : null;
  }
}
