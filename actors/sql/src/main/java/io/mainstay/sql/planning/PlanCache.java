package io.mainstay.sql.planning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plans a statement once and answers the same plan for the same text while every dataset the planner looked
 * up for it is as it was (same columns, same size: a plan depends on nothing else of the catalog; the files
 * themselves are listed when the query runs). A repeated short query then skips Calcite and the type check,
 * most of its planning time. Refused statements are planned again each time, to name the problem anew.
 */
public final class PlanCache {

  /** Plans kept, the least recently used dropped first; a plan is a few kilobytes of SQL text. */
  static final int SIZE = 512;

  private final int size;
  private record Entry(PlannedStatement statement, Map<String, Optional<DatasetSchema>> lookedUp) {}

  private final SqlPlanner planner;
  private final Map<String, Entry> plans = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > size;
    }
  };

  public PlanCache(SqlPlanner planner) {
    this(planner, SIZE);
  }

  PlanCache(SqlPlanner planner, int size) {
    this.planner = planner;
    this.size = size;
  }

  public PlannedStatement planStatement(String sql, Datasets datasets) {
    Entry cached;
    synchronized (plans) {
      cached = plans.get(sql);
    }
    if (cached != null && cached.lookedUp().entrySet().stream()
        .allMatch(looked -> datasets.find(looked.getKey()).equals(looked.getValue()))) {
      return cached.statement();
    }
    Map<String, Optional<DatasetSchema>> lookedUp = new LinkedHashMap<>();
    PlannedStatement planned = planner.planStatement(sql, name -> {
      Optional<DatasetSchema> found = datasets.find(name);
      lookedUp.put(name, found);
      return found;
    });
    synchronized (plans) {
      plans.put(sql, new Entry(planned, Map.copyOf(lookedUp)));
    }
    return planned;
  }
}
