package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.Util;

/**
 * Cuts an optimised plan at the top of every chain of filters and projections over one table scan.
 * Each chain is row-local, so running it per split and concatenating the results equals running it
 * over the whole dataset; it becomes a scan fragment and is replaced, in what remains for the
 * coordinator, by a scan of a relation named after the fragment's input. An aggregate or a top-N
 * right above such a chain is split when it can be: its partial joins the fragment, the coordinator
 * combines.
 */
final class FragmentCutter {
  /** One cut-out chain: the relation name standing in for it and the dataset it reads. */
  record Segment(String input, String dataset, RelNode rel) {}

  /** The segments in input order, and the rest of the plan reading them by input name. */
  record Cut(List<Segment> segments, RelNode rest) {}

  private final List<Segment> segments = new ArrayList<>();

  private FragmentCutter() {}

  static Cut cut(RelNode rel) {
    FragmentCutter cutter = new FragmentCutter();
    RelNode rest = cutter.visit(rel);
    return new Cut(List.copyOf(cutter.segments), rest);
  }

  private RelNode visit(RelNode node) {
    if (isRowLocalScan(node)) {
      return replace(node);
    }
    if (node instanceof Aggregate agg && isRowLocalScan(agg.getInput())) {
      if (AggregateSplit.applies(agg)) {
        return AggregateSplit.combine(agg, replace(AggregateSplit.partial(agg)));
      }
      if (DistinctSplit.applies(agg)) {
        return DistinctSplit.combine(agg, replace(DistinctSplit.partial(agg)));
      }
    }
    if (node instanceof Sort sort && isRowLocalScan(sort.getInput()) && TopNSplit.applies(sort)) {
      return TopNSplit.combine(sort, replace(TopNSplit.partial(sort)));
    }
    List<RelNode> inputs = new ArrayList<>();
    for (RelNode input : node.getInputs()) {
      inputs.add(visit(input));
    }
    return inputs.equals(node.getInputs()) ? node : node.copy(node.getTraitSet(), inputs);
  }

  private static boolean isRowLocalScan(RelNode node) {
    if (node instanceof TableScan) {
      return true;
    }
    boolean rowLocal = (node instanceof Filter || node instanceof Project)
        && RelOptUtil.getVariablesUsed(node).isEmpty()
        && !(node instanceof Project p && RexOver.containsOver(p.getProjects(), null))
        && !containsSubQuery(node);
    return rowLocal && isRowLocalScan(node.getInput(0));
  }

  private static boolean containsSubQuery(RelNode node) {
    if (node instanceof Filter filter) {
      return RexUtil.SubQueryFinder.find(filter.getCondition()) != null;
    }
    return RexUtil.SubQueryFinder.find(((Project) node).getProjects()) != null;
  }

  private RelNode replace(RelNode segment) {
    String input = "scan_" + segments.size();
    segments.add(new Segment(input, Util.last(scanOf(segment).getTable().getQualifiedName()),
        segment));
    RelOptTable table =
        RelOptTableImpl.create(null, segment.getRowType(), List.of(input), null);
    return LogicalTableScan.create(segment.getCluster(), table, List.of());
  }

  private static TableScan scanOf(RelNode segment) {
    RelNode node = segment;
    while (!(node instanceof TableScan)) {
      node = node.getInput(0);
    }
    return (TableScan) node;
  }
}
