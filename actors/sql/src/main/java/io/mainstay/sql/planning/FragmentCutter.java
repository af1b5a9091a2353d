package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalTableScan;

/**
 * Cuts an optimised plan at the top of every subtree that can run per split of one dataset
 * ({@link BroadcastJoins}: chains of filters and projections over a scan, and their joins with
 * small datasets read whole), so that running it per split and concatenating the results equals
 * running it over the whole dataset; it becomes a scan fragment and is replaced, in what remains
 * for the coordinator, by a scan of a relation named after the fragment's input. An aggregate or a
 * top-N right above such a subtree is split when it can be: its partial joins the fragment, the
 * coordinator combines.
 */
final class FragmentCutter {
  /**
   * One cut-out subtree: the relation name standing in for it, the dataset it reads per split
   * and the datasets it reads whole.
   */
  record Segment(String input, String dataset, List<String> broadcast, RelNode rel) {}

  /** The segments in input order, and the rest of the plan reading them by input name. */
  record Cut(List<Segment> segments, RelNode rest) {}

  private final BroadcastJoins placements;
  private final List<Segment> segments = new ArrayList<>();

  private FragmentCutter(BroadcastJoins placements) {
    this.placements = placements;
  }

  static Cut cut(RelNode rel, BroadcastJoins placements) {
    FragmentCutter cutter = new FragmentCutter(placements);
    RelNode rest = cutter.visit(rel);
    return new Cut(List.copyOf(cutter.segments), rest);
  }

  private RelNode visit(RelNode node) {
    Optional<BroadcastJoins.Placement> here = placements.place(node);
    if (here.isPresent()) {
      return replace(node, here.get());
    }
    if (node instanceof Aggregate agg) {
      Optional<BroadcastJoins.Placement> below = placements.place(agg.getInput());
      if (below.isPresent() && AggregateSplit.applies(agg)) {
        return AggregateSplit.combine(agg, replace(AggregateSplit.partial(agg), below.get()));
      }
      if (below.isPresent() && DistinctSplit.applies(agg)) {
        return DistinctSplit.combine(agg, replace(DistinctSplit.partial(agg), below.get()));
      }
    }
    if (node instanceof Sort sort && TopNSplit.applies(sort)) {
      Optional<BroadcastJoins.Placement> below = placements.place(sort.getInput());
      if (below.isPresent()) {
        return TopNSplit.combine(sort, replace(TopNSplit.partial(sort), below.get()));
      }
    }
    List<RelNode> inputs = new ArrayList<>();
    for (RelNode input : node.getInputs()) {
      inputs.add(visit(input));
    }
    return inputs.equals(node.getInputs()) ? node : node.copy(node.getTraitSet(), inputs);
  }

  private RelNode replace(RelNode segment, BroadcastJoins.Placement placement) {
    String input = "scan_" + segments.size();
    segments.add(new Segment(input, placement.dataset(), placement.broadcast(), segment));
    RelOptTable table =
        RelOptTableImpl.create(null, segment.getRowType(), List.of(input), null);
    return LogicalTableScan.create(segment.getCluster(), table, List.of());
  }
}
