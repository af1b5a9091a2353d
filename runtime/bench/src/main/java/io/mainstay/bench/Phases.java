package io.mainstay.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Where a query's time went on the cluster: each phase of {@link ClusterSql.Run}, its median over the timed runs. */
record Phases(double planMs, double runMs, double fetchMs, double restMs) {

  static final Phases NONE = new Phases(0, 0, 0, 0);

  static Phases medians(List<ClusterSql.Run> runs) {
    return new Phases(median(runs, ClusterSql.Run::planMs), median(runs, ClusterSql.Run::runMs),
        median(runs, ClusterSql.Run::fetchMs), median(runs, ClusterSql.Run::restMs));
  }

  Phases plus(Phases other) {
    return new Phases(planMs + other.planMs, runMs + other.runMs, fetchMs + other.fetchMs, restMs + other.restMs);
  }

  private static double median(List<ClusterSql.Run> runs, ToDoubleFunction<ClusterSql.Run> phase) {
    return Stats.of(runs.stream().map(r -> phase.applyAsDouble(r)).toList()).median();
  }
}
