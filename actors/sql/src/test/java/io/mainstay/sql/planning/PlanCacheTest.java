package io.mainstay.sql.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanCacheTest {

  private final Map<String, DatasetSchema> catalog = new HashMap<>();
  private final Datasets datasets = name -> Optional.ofNullable(catalog.get(name.toLowerCase()));
  private final PlanCache cache = new PlanCache(new SqlPlanner());

  private void dataset(String name, long bytes, Column... columns) {
    catalog.put(name, new DatasetSchema(name, List.of(columns), bytes));
  }

  @Test
  void answersTheSamePlanWhileTheDatasetsItReadStayAsTheyWere() {
    dataset("emp", 10_000, new Column("id", "BIGINT"), new Column("dept", "BIGINT"));
    dataset("dept", 100, new Column("id", "BIGINT"));
    String sql = "SELECT e.id FROM emp e JOIN dept d ON e.dept = d.id";
    PlannedStatement first = cache.planStatement(sql, datasets);
    assertSame(first, cache.planStatement(sql, datasets));

    // a dataset the query does not name changes nothing
    dataset("other", 5, new Column("x", "INTEGER"));
    assertSame(first, cache.planStatement(sql, datasets));

    // dept grows past emp: the join is planned again, emp now the side read whole
    dataset("dept", 1L << 40, new Column("id", "BIGINT"));
    PlannedStatement grown = cache.planStatement(sql, datasets);
    assertNotSame(first, grown);
    assertEquals(List.of("dept"), ((PlannedStatement.Query) first).plan().scans().get(0).broadcast());
    assertEquals(List.of("emp"), ((PlannedStatement.Query) grown).plan().scans().get(0).broadcast());

    // a column gone: the statement is planned again and refused, naming it
    dataset("emp", 10_000, new Column("id", "BIGINT"));
    SqlRejected rejected = assertThrows(SqlRejected.class, () -> cache.planStatement(sql, datasets));
    assertEquals(SqlRejected.Kind.UNKNOWN, rejected.kind());
  }

  @Test
  void aDroppedDatasetIsRefusedAndOneRegisteredLaterIsPlanned() {
    String sql = "SELECT count(*) FROM later";
    assertThrows(SqlRejected.class, () -> cache.planStatement(sql, datasets));
    dataset("later", 10, new Column("v", "INTEGER"));
    PlannedStatement planned = cache.planStatement(sql, datasets);
    assertSame(planned, cache.planStatement(sql, datasets));
    catalog.remove("later");
    assertThrows(SqlRejected.class, () -> cache.planStatement(sql, datasets));
  }

  @Test
  void keepsAtMostItsSizeDroppingTheLeastRecentlyUsed() {
    PlanCache small = new PlanCache(new SqlPlanner(), 3);
    dataset("t", 10, new Column("v", "INTEGER"));
    PlannedStatement kept = small.planStatement("SELECT v FROM t", datasets);
    PlannedStatement oldest = small.planStatement("SELECT v + 0 FROM t", datasets);
    for (int i = 1; i <= 3; i++) {
      small.planStatement("SELECT v + " + i + " FROM t", datasets);
      assertSame(kept, small.planStatement("SELECT v FROM t", datasets), "used again: stays");
    }
    assertNotSame(oldest, small.planStatement("SELECT v + 0 FROM t", datasets));
  }
}
