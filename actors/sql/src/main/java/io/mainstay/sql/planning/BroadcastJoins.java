package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.Util;

/**
 * Decides which subtrees of a plan can run per split of one dataset. A chain of filters and
 * projections over a scan can, being row-local. So can a join of such a subtree with a small
 * dataset (at most the threshold's bytes), which every split reads whole through the shared
 * volume: the union of the splits' joins is the join of the whole, as long as the split side is
 * the one whose rows the join keeps apart (either side of an inner join, the preserved side of an
 * outer join, the probe side of a semi or anti join). Small datasets may themselves be joined,
 * filtered and aggregated before joining: computed whole, they are the same in every split, unless
 * something in them is random.
 */
final class BroadcastJoins {
  /** The joins whose left side may be split when the right side is read whole. */
  private static final Set<JoinRelType> LEFT_SPLIT =
      EnumSet.of(JoinRelType.INNER, JoinRelType.LEFT, JoinRelType.SEMI, JoinRelType.ANTI);
  private static final Set<JoinRelType> RIGHT_SPLIT =
      EnumSet.of(JoinRelType.INNER, JoinRelType.RIGHT);
  private static final Set<JoinRelType> WHOLE = EnumSet.of(JoinRelType.INNER, JoinRelType.LEFT,
      JoinRelType.RIGHT, JoinRelType.FULL, JoinRelType.SEMI, JoinRelType.ANTI);
  /** Aggregates of small datasets computed alike by every split (no order-dependent result). */
  private static final Set<SqlKind> WHOLE_AGGREGATES = EnumSet.of(SqlKind.COUNT, SqlKind.SUM,
      SqlKind.SUM0, SqlKind.AVG, SqlKind.MIN, SqlKind.MAX, SqlKind.LITERAL_AGG);

  /**
   * Where a subtree runs: per split of {@code dataset}, reading each of {@code broadcast} whole.
   */
  record Placement(String dataset, List<String> broadcast) {
    Placement {
      broadcast = List.copyOf(broadcast);
    }
  }

  /**
   * What a local subtree reads: its scans' datasets in plan order, whether it is small (all of
   * them are, and every split would compute the same rows from them), and the datasets it may be
   * split on.
   */
  private record Local(List<String> datasets, boolean small, Set<String> splittable) {}

  private final Datasets datasets;
  private final long threshold;

  /** @param threshold the most bytes of a dataset read whole; 0 reads none whole */
  BroadcastJoins(Datasets datasets, long threshold) {
    this.datasets = datasets;
    this.threshold = threshold;
  }

  /**
   * Where {@code node} can run per split. The split dataset is always its largest: where that one
   * cannot be split (it is read twice, or is the side an outer join extends with NULLs), splitting
   * a smaller one would have every split read more than its share, so the subtree is not placed
   * and its parts may be.
   */
  Optional<Placement> place(RelNode node) {
    Local local = local(node);
    if (local == null) {
      return Optional.empty();
    }
    long largest = local.datasets().stream().mapToLong(this::bytes).max().orElseThrow();
    Optional<String> split = local.splittable().stream()
        .filter(d -> bytes(d) == largest && Collections.frequency(local.datasets(), d) == 1)
        .findFirst();
    return split.map(d -> {
      Set<String> broadcast = new LinkedHashSet<>(local.datasets());
      broadcast.remove(d);
      return new Placement(d, new ArrayList<>(broadcast));
    });
  }

  /** The subtree as a local one, or null when it cannot run next to the data. */
  private Local local(RelNode node) {
    if (node instanceof TableScan scan) {
      String dataset = Util.last(scan.getTable().getQualifiedName());
      return new Local(List.of(dataset), threshold > 0 && bytes(dataset) <= threshold,
          Set.of(dataset));
    }
    if (isRowLocal(node)) {
      Local input = local(node.getInput(0));
      return input == null || isDeterministic(node) ? input : splitOnly(input);
    }
    if (node instanceof Join join && isPlain(join)) {
      return join(join);
    }
    if (node instanceof Aggregate agg && isExact(agg)) {
      Local input = local(agg.getInput());
      return input == null || !input.small() ? null
          : new Local(input.datasets(), true, Set.of());
    }
    return null;
  }

  private Local join(Join join) {
    Local left = local(join.getLeft());
    Local right = local(join.getRight());
    if (left == null || right == null) {
      return null;
    }
    JoinRelType type = join.getJoinType();
    Set<String> splittable = new LinkedHashSet<>();
    if (right.small() && LEFT_SPLIT.contains(type)) {
      splittable.addAll(left.splittable());
    }
    if (left.small() && RIGHT_SPLIT.contains(type)) {
      splittable.addAll(right.splittable());
    }
    boolean small = left.small() && right.small() && WHOLE.contains(type)
        && isDeterministic(join);
    if (!small && splittable.isEmpty()) {
      return null;
    }
    List<String> read = new ArrayList<>(left.datasets());
    read.addAll(right.datasets());
    return new Local(read, small, splittable);
  }

  /** Filters and projections without correlation, sub-queries or windows keep rows apart. */
  static boolean isRowLocal(RelNode node) {
    if (node instanceof Filter filter) {
      return RelOptUtil.getVariablesUsed(node).isEmpty()
          && RexUtil.SubQueryFinder.find(filter.getCondition()) == null;
    }
    if (node instanceof Project project) {
      return RelOptUtil.getVariablesUsed(node).isEmpty()
          && !RexOver.containsOver(project.getProjects(), null)
          && RexUtil.SubQueryFinder.find(project.getProjects()) == null;
    }
    return false;
  }

  /** A subtree whose rows may differ from one run to the next can be split, not read whole. */
  private static Local splitOnly(Local local) {
    return local.splittable().isEmpty() ? null
        : new Local(local.datasets(), false, local.splittable());
  }

  private static boolean isDeterministic(RelNode node) {
    List<RexNode> expressions = new ArrayList<>();
    if (node instanceof Filter filter) {
      expressions.add(filter.getCondition());
    } else if (node instanceof Project project) {
      expressions.addAll(project.getProjects());
    } else if (node instanceof Join join) {
      expressions.add(join.getCondition());
    }
    return expressions.stream().allMatch(RexUtil::isDeterministic);
  }

  /** Without correlation or sub-queries: a join that can run where its inputs are. */
  static boolean isPlain(Join join) {
    return join.getVariablesSet().isEmpty() && RelOptUtil.getVariablesUsed(join).isEmpty()
        && RexUtil.SubQueryFinder.find(join.getCondition()) == null;
  }

  /**
   * Whether every split computes the aggregate alike: floating-point sums depend on the order
   * DuckDB's threads add in, so they are left to the coordinator, which computes them once.
   */
  private static boolean isExact(Aggregate agg) {
    for (AggregateCall call : agg.getAggCallList()) {
      SqlKind kind = call.getAggregation().getKind();
      if (!WHOLE_AGGREGATES.contains(kind)) {
        return false;
      }
      boolean adds = kind == SqlKind.SUM || kind == SqlKind.SUM0 || kind == SqlKind.AVG;
      if (adds && SqlTypeName.APPROX_TYPES.contains(agg.getInput().getRowType().getFieldList()
          .get(call.getArgList().get(0)).getType().getSqlTypeName())) {
        return false;
      }
    }
    return true;
  }

  private long bytes(String dataset) {
    return datasets.find(dataset).orElseThrow().bytes();
  }
}
