package io.mainstay.sql.planning;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;

/**
 * Rewrites a freshly converted plan so that as much work as possible sits next to the table
 * scans: sub-queries become joins, filters move down into and below joins, and unused columns are
 * trimmed, so that scan fragments read few columns and few rows.
 */
final class PlanOptimizer {
  private static final List<RelOptRule> SUB_QUERIES = List.of(
      CoreRules.FILTER_SUB_QUERY_TO_CORRELATE,
      CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE,
      CoreRules.JOIN_SUB_QUERY_TO_CORRELATE);

  private static final List<RelOptRule> PUSH_DOWN = List.of(
      CoreRules.FILTER_INTO_JOIN,
      CoreRules.JOIN_CONDITION_PUSH,
      CoreRules.FILTER_PROJECT_TRANSPOSE,
      CoreRules.FILTER_AGGREGATE_TRANSPOSE,
      CoreRules.FILTER_SET_OP_TRANSPOSE,
      CoreRules.FILTER_MERGE,
      CoreRules.PROJECT_MERGE,
      CoreRules.PROJECT_REMOVE);

  /**
   * Trimming puts projections under filters; moving the filters below them again lets a scan's
   * filter and projection be written as one SELECT ... WHERE instead of a nested sub-query.
   */
  private static final List<RelOptRule> TIDY = List.of(
      CoreRules.FILTER_PROJECT_TRANSPOSE, CoreRules.PROJECT_MERGE, CoreRules.PROJECT_REMOVE);

  private PlanOptimizer() {}

  static RelNode optimise(RelNode converted, RelBuilder relBuilder) {
    RelNode rel = run(converted, SUB_QUERIES);
    rel = RelDecorrelator.decorrelateQuery(rel, relBuilder);
    rel = trim(rel, relBuilder);
    rel = run(rel, PUSH_DOWN);
    // Pushing filters down frees the columns they used above; trim once more.
    rel = trim(rel, relBuilder);
    return run(rel, TIDY);
  }

  private static RelNode trim(RelNode rel, RelBuilder relBuilder) {
    return new RelFieldTrimmer(null, relBuilder).trim(rel);
  }

  private static RelNode run(RelNode rel, List<RelOptRule> rules) {
    HepProgramBuilder program = HepProgram.builder().addMatchOrder(HepMatchOrder.BOTTOM_UP);
    program.addRuleCollection(rules);
    HepPlanner planner = new HepPlanner(program.build());
    planner.setRoot(rel);
    return planner.findBestExp();
  }
}
