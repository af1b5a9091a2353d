package io.mainstay.sql.planning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalTableScan;

/**
 * Cuts an optimised plan at the top of every subtree that can run per split of one dataset
 * ({@link BroadcastJoins}: chains of filters and projections over a scan, and their joins with
 * small datasets read whole), so that running it per split and concatenating the results equals
 * running it over the whole dataset; it becomes a scan fragment and is replaced, in what remains
 * for the coordinator, by a scan of a relation named after the fragment's input. A join of two such
 * subtrees ({@link PartitionedJoins}) becomes a join fragment run per partition, over the rows its two
 * scan fragments send it. An aggregate or a top-N right above a split subtree, or an aggregate right
 * above a partitioned join, is split when it can be: its partial joins the fragment, the coordinator
 * combines. A join left to the coordinator whose one side aggregates a large dataset by the join keys and
 * whose other side is small has the aggregate's input reduced by the small side's keys first
 * ({@link SemiJoinReduction}).
 */
final class FragmentCutter {
  /**
   * One cut-out subtree run per split: the relation name standing in for it, the dataset it reads
   * per split and the datasets it reads whole.
   *
   * @param partitionBy null when its rows go to the coordinator; else the expression over its output
   *     whose value picks the partition of the join fragment each row goes to
   */
  record Segment(String input, String dataset, List<String> broadcast, RelNode rel, String partitionBy) {}

  /** One cut-out subtree run per partition, reading the partition's rows of its two sides' segments. */
  record JoinSegment(String input, List<String> sides, RelNode rel) {}

  /** The segments in input order, the joins of some of them, and the rest of the plan reading the others and
   * the joins by input name. */
  record Cut(List<Segment> segments, List<JoinSegment> joins, RelNode rest) {}

  private final BroadcastJoins placements;
  private final PartitionedJoins partitioned;
  private final SemiJoinReduction reductions;
  private final List<Segment> segments = new ArrayList<>();
  private final List<JoinSegment> joins = new ArrayList<>();

  private FragmentCutter(BroadcastJoins placements, boolean partitionJoins) {
    this.placements = placements;
    this.partitioned = new PartitionedJoins(placements, partitionJoins);
    this.reductions = new SemiJoinReduction(placements);
  }

  static Cut cut(RelNode rel, BroadcastJoins placements) {
    return cut(rel, placements, true);
  }

  /** @param partitionJoins false: joins of two large sides stay in the rest */
  static Cut cut(RelNode rel, BroadcastJoins placements, boolean partitionJoins) {
    FragmentCutter cutter = new FragmentCutter(placements, partitionJoins);
    RelNode rest = cutter.visit(rel);
    return new Cut(List.copyOf(cutter.segments), List.copyOf(cutter.joins), rest);
  }

  private RelNode visit(RelNode node) {
    Optional<BroadcastJoins.Placement> here = placements.place(node);
    if (here.isPresent()) {
      return replace(node, here.get(), null);
    }
    if (node instanceof Aggregate agg) {
      Optional<BroadcastJoins.Placement> below = placements.place(agg.getInput());
      if (below.isPresent() && AggregateSplit.applies(agg)) {
        return AggregateSplit.combine(agg, replace(AggregateSplit.partial(agg), below.get(), null));
      }
      if (below.isPresent() && DistinctSplit.applies(agg)) {
        return DistinctSplit.combine(agg, replace(DistinctSplit.partial(agg), below.get(), null));
      }
      Optional<PartitionedJoins.Partitioning> join = partitioned.partition(agg.getInput());
      if (join.isPresent() && AggregateSplit.applies(agg)) {
        Aggregate over = (Aggregate) agg.copy(agg.getTraitSet(), List.of(cutSides(join.get())));
        return AggregateSplit.combine(agg, replaceJoin(AggregateSplit.partial(over)));
      }
      if (join.isPresent() && DistinctSplit.applies(agg)) {
        Aggregate over = (Aggregate) agg.copy(agg.getTraitSet(), List.of(cutSides(join.get())));
        return DistinctSplit.combine(agg, replaceJoin(DistinctSplit.partial(over)));
      }
    }
    if (node instanceof Sort sort && TopNSplit.applies(sort)) {
      Optional<BroadcastJoins.Placement> below = placements.place(sort.getInput());
      if (below.isPresent()) {
        return TopNSplit.combine(sort, replace(TopNSplit.partial(sort), below.get(), null));
      }
    }
    Optional<PartitionedJoins.Partitioning> join = partitioned.partition(node);
    if (join.isPresent()) {
      return replaceJoin(cutSides(join.get()));
    }
    if (node instanceof Join plain) {
      node = reductions.reduce(plain).map(RelNode.class::cast).orElse(node);
    }
    List<RelNode> inputs = new ArrayList<>();
    for (RelNode input : node.getInputs()) {
      inputs.add(visit(input));
    }
    return inputs.equals(node.getInputs()) ? node : node.copy(node.getTraitSet(), inputs);
  }

  /** The join (and what is over it), reading its two sides (or their aggregates' inputs) from scan segments
   * that send their rows to its partitions. */
  private RelNode cutSides(PartitionedJoins.Partitioning p) {
    RelNode left = p.left().over(replace(p.left().segment(), p.left().placement(), p.left().hash()));
    RelNode right = p.right().over(replace(p.right().segment(), p.right().placement(), p.right().hash()));
    return p.over((Join) p.join().copy(p.join().getTraitSet(), List.of(left, right)));
  }

  private RelNode replace(RelNode segment, BroadcastJoins.Placement placement, String partitionBy) {
    String input = "scan_" + segments.size();
    segments.add(new Segment(input, placement.dataset(), placement.broadcast(), segment, partitionBy));
    return scanOf(input, segment);
  }

  /** {@code rel} reads the two sides of one partitioned join (and nothing else outside it). */
  private RelNode replaceJoin(RelNode rel) {
    String input = "join_" + joins.size();
    List<String> sides = new ArrayList<>();
    collectScans(rel, sides);
    joins.add(new JoinSegment(input, sides, rel));
    return scanOf(input, rel);
  }

  private static void collectScans(RelNode rel, List<String> names) {
    if (rel instanceof LogicalTableScan scan) {
      names.add(scan.getTable().getQualifiedName().get(0));
    }
    rel.getInputs().forEach(input -> collectScans(input, names));
  }

  private static RelNode scanOf(String input, RelNode segment) {
    RelOptTable table =
        RelOptTableImpl.create(null, segment.getRowType(), List.of(input), null);
    return LogicalTableScan.create(segment.getCluster(), table, List.of());
  }
}
