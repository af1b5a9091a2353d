package io.mainstay.sql.planning;

import io.mainstay.sql.duckdb.DuckDbSandbox;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Decides which joins of two large sides run hash-partitioned between executors: both sides can run per
 * split ({@link BroadcastJoins}), the join has equality keys, and each side's rows go, by a hash of its keys,
 * to one of the join's partitions. Rows that can match share their keys, so they meet in one partition, and
 * the union of the partitions' joins is the join of the whole, for every join type (a row without a match
 * is alone in its partition as it is in the whole). A side may also be an aggregate grouped by its join keys
 * (with filters and projections over it) of something that runs per split: its input's rows go by the hash
 * of those group keys, so every group is whole in one partition, which aggregates it before the join (how
 * Calcite writes EXISTS, IN and correlated aggregates).
 */
final class PartitionedJoins {
  private static final Set<JoinRelType> TYPES = EnumSet.of(JoinRelType.INNER, JoinRelType.LEFT,
      JoinRelType.RIGHT, JoinRelType.FULL, JoinRelType.SEMI, JoinRelType.ANTI);
  /** Integer keys hash as BIGINT, so that an INTEGER 5 and a BIGINT 5 land in the same partition. */
  private static final Set<SqlTypeName> INTEGERS = EnumSet.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT,
      SqlTypeName.INTEGER, SqlTypeName.BIGINT);
  private static final Set<SqlTypeName> TEXTS = EnumSet.of(SqlTypeName.CHAR, SqlTypeName.VARCHAR);

  /**
   * One side of a partitioned join: {@code segment}, the subtree its splits run (the side itself, or the
   * input of the aggregate in it), and DuckDB's expression over the segment's columns whose hash picks each
   * row's partition.
   */
  record Side(RelNode side, RelNode segment, BroadcastJoins.Placement placement, String hash) {

    /** The side with {@code replaced} in place of its segment. */
    RelNode over(RelNode replaced) {
      return swap(side, segment, replaced);
    }
  }

  /**
   * A join to run partitioned: the join, under {@code top} (itself, or filters and projections over it,
   * which run in each partition too), and its two sides.
   */
  record Partitioning(RelNode top, Join join, Side left, Side right) {

    /** {@code top} over {@code join} in place of the original join. */
    RelNode over(Join replaced) {
      return swap(top, join, replaced);
    }
  }

  /** {@code chain}, a chain of one-input nodes down to {@code target}, with {@code replacement} for it. */
  static RelNode swap(RelNode chain, RelNode target, RelNode replacement) {
    return chain == target ? replacement
        : chain.copy(chain.getTraitSet(), List.of(swap(chain.getInput(0), target, replacement)));
  }

  private final BroadcastJoins placements;
  private final boolean enabled;

  /** @param enabled false: no join is partitioned */
  PartitionedJoins(BroadcastJoins placements, boolean enabled) {
    this.placements = placements;
    this.enabled = enabled;
  }

  /** {@code node} as a partitioned join: a join, or filters and projections over one. */
  Optional<Partitioning> partition(RelNode node) {
    if (!enabled) {
      return Optional.empty();
    }
    RelNode below = node;
    while (BroadcastJoins.isRowLocal(below)) {
      below = below.getInput(0);
    }
    if (!(below instanceof Join join) || !TYPES.contains(join.getJoinType()) || !BroadcastJoins.isPlain(join)) {
      return Optional.empty();
    }
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty()) {
      return Optional.empty();
    }
    List<String> casts = new ArrayList<>();
    for (int i = 0; i < info.leftKeys.size(); i++) {
      RelDataType l = join.getLeft().getRowType().getFieldList().get(info.leftKeys.get(i)).getType();
      RelDataType r = join.getRight().getRowType().getFieldList().get(info.rightKeys.get(i)).getType();
      Optional<String> cast = hashedAs(l, r);
      if (cast.isEmpty()) {
        return Optional.empty();
      }
      casts.add(cast.get());
    }
    Optional<Side> left = side(join.getLeft(), info.leftKeys, casts);
    Optional<Side> right = side(join.getRight(), info.rightKeys, casts);
    if (left.isEmpty() || right.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Partitioning(node, join, left.get(), right.get()));
  }

  /** The side as one that runs per split, or as an aggregate grouped by its keys over one. */
  private Optional<Side> side(RelNode side, List<Integer> keys, List<String> casts) {
    Optional<BroadcastJoins.Placement> whole = placements.place(side);
    if (whole.isPresent()) {
      return Optional.of(new Side(side, side, whole.get(), hash(side, keys, casts)));
    }
    return GroupedSide.of(side, keys).flatMap(grouped -> {
      RelNode input = grouped.aggregate().getInput();
      return placements.place(input).map(p -> new Side(side, input, p, hash(input, grouped.columns(), casts)));
    });
  }

  private static String hash(RelNode segment, List<Integer> columns, List<String> casts) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      keys.add(key(segment, columns.get(i), casts.get(i)));
    }
    return "hash(" + String.join(", ", keys) + ")";
  }

  /**
   * The type both keys are hashed as ("" for their own), when equal values of the two hash alike; DuckDB's
   * hash depends on the type, not only on the value.
   */
  private static Optional<String> hashedAs(RelDataType left, RelDataType right) {
    SqlTypeName l = left.getSqlTypeName();
    SqlTypeName r = right.getSqlTypeName();
    if (INTEGERS.contains(l) && INTEGERS.contains(r)) {
      return Optional.of("BIGINT");
    }
    if (TEXTS.contains(l) && TEXTS.contains(r)) {
      return Optional.of("VARCHAR");
    }
    boolean same = l == r && left.getPrecision() == right.getPrecision() && left.getScale() == right.getScale();
    return same && (l == SqlTypeName.DATE || l == SqlTypeName.BOOLEAN || l == SqlTypeName.DECIMAL)
        ? Optional.of("") : Optional.empty();
  }

  private static String key(RelNode side, int field, String cast) {
    String column = DuckDbSandbox.identifier(side.getRowType().getFieldNames().get(field));
    return cast.isEmpty() ? column : "CAST(" + column + " AS " + cast + ")";
  }
}
