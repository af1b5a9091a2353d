package io.mainstay.sql.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlPlannerTest {
  /** A broadcast threshold under which dept and nothing fall, emp does not. */
  static final long SMALL = 1000;
  /** One under which only nothing falls: a join of emp and dept joins two big datasets. */
  static final long TINY = 500;

  @TempDir static Path dir;
  static LocalClusterSimulator cluster;
  static final Map<String, DatasetSchema> SCHEMAS = new HashMap<>();
  static final Datasets DATASETS = name -> Optional.ofNullable(SCHEMAS.get(name));

  @BeforeAll
  static void writeDatasets() throws Exception {
    Map<String, List<Path>> splits = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      write(st, splits, "emp", "SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE 'n' || i END AS name,"
          + " CASE WHEN i % 7 = 0 THEN NULL ELSE i % 4 END AS dept, (i * 1.5)::DOUBLE AS salary,"
          + " DATE '2020-01-01' + (i * 11)::INTEGER AS hired FROM range(1, 61) t(i)");
      write(st, splits, "dept", "SELECT i AS id, 'd' || i AS title FROM range(0, 3) t(i)");
      write(st, splits, "nothing", "SELECT 1::BIGINT AS id, 'x' AS v WHERE false");
    }
    SCHEMAS.put("emp", new DatasetSchema("emp", List.of(new Column("id", "BIGINT"),
        new Column("name", "VARCHAR"), new Column("dept", "BIGINT"),
        new Column("salary", "DOUBLE"), new Column("hired", "DATE")), bytes(splits.get("emp"))));
    SCHEMAS.put("dept", new DatasetSchema("dept",
        List.of(new Column("id", "BIGINT"), new Column("title", "VARCHAR")),
        bytes(splits.get("dept"))));
    SCHEMAS.put("nothing", new DatasetSchema("nothing",
        List.of(new Column("id", "BIGINT"), new Column("v", "VARCHAR")),
        bytes(splits.get("nothing"))));
    assertTrue(SCHEMAS.get("emp").bytes() > SMALL && SCHEMAS.get("dept").bytes() <= SMALL
        && SCHEMAS.get("nothing").bytes() <= SMALL && SCHEMAS.get("dept").bytes() > TINY, "sizes");
    cluster = new LocalClusterSimulator(splits, dir);
  }

  static long bytes(List<Path> files) throws Exception {
    long bytes = 0;
    for (Path file : files) {
      bytes += Files.size(file);
    }
    return bytes;
  }

  static void write(Statement st, Map<String, List<Path>> splits, String name, String select)
      throws Exception {
    List<Path> files = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Path f = dir.resolve(name + "_" + k + ".parquet");
      st.execute("COPY (SELECT * FROM (" + select + ") WHERE hash(id) % 3 = " + k
          + ") TO '" + f + "' (FORMAT PARQUET)");
      st.execute("COPY (SELECT * FROM (" + select + ") WHERE hash(id) % 3 = " + k
          + ") TO '" + dir.resolve(name + "_" + k + ".csv") + "' (FORMAT CSV)");
      files.add(f);
    }
    splits.put(name, files);
  }

  static final List<String> QUERIES = List.of(
      "SELECT id, name FROM emp WHERE salary > 20",
      "SELECT id * 2 + 1 AS x, upper(name) FROM emp",
      "SELECT dept, count(*), count(name), sum(salary), avg(salary), min(hired), max(id),"
          + " count(DISTINCT name) FROM emp GROUP BY dept",
      "SELECT dept, count(*) c FROM emp GROUP BY dept HAVING count(*) > 10 ORDER BY dept",
      "SELECT id, salary FROM emp ORDER BY salary DESC, id LIMIT 5 OFFSET 3",
      "SELECT e.id, d.title FROM emp e JOIN dept d ON e.dept = d.id WHERE e.id < 30",
      "SELECT e.id, d.title FROM emp e LEFT JOIN dept d ON e.dept = d.id",
      "SELECT id FROM emp WHERE dept IN (SELECT id FROM dept WHERE title LIKE 'd%')",
      "SELECT id FROM emp e WHERE NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept)",
      "SELECT id FROM emp e WHERE salary > (SELECT avg(salary) FROM emp x WHERE x.dept = e.dept)",
      "SELECT CASE WHEN salary > 40 THEN 'high' ELSE 'low' END AS band, count(*) FROM emp GROUP BY 1",
      "SELECT id, EXTRACT(YEAR FROM hired) FROM emp WHERE hired < DATE '2021-01-01' + INTERVAL '3' MONTH",
      "SELECT id FROM emp WHERE id < 5 UNION ALL SELECT id FROM dept",
      "WITH big AS (SELECT * FROM emp WHERE salary > 30) SELECT count(*) FROM big",
      "SELECT count(*), count(v), sum(id) FROM nothing",
      "SELECT count(*), count(v), max(v), avg(id) FROM nothing",
      "SELECT * FROM emp WHERE id > 1000",
      "SELECT n.v, e.id FROM emp e LEFT JOIN nothing n ON e.id = n.id",
      "SELECT count(*) FROM emp",
      "SELECT avg(id), sum(id), avg(dept) FROM emp",
      "SELECT max(c) FROM (SELECT dept, count(*) c FROM emp GROUP BY dept)",
      "SELECT dept AS value, count(*) AS n FROM emp GROUP BY value -- value\n",
      "SELECT 'value' AS v, \"value\" FROM (SELECT name AS value FROM emp) t",
      "SELECT id, name FROM emp ORDER BY name DESC NULLS FIRST, id LIMIT 4 OFFSET 2",
      "SELECT dept, id FROM emp ORDER BY dept DESC, id DESC LIMIT 20",
      "SELECT dept, id FROM emp ORDER BY dept, id LIMIT 10 OFFSET 50",
      "SELECT dept, id FROM emp ORDER BY dept DESC, id LIMIT 5 OFFSET 50",
      "SELECT upper(name) AS u, id FROM emp WHERE dept < 3 ORDER BY u NULLS FIRST, id LIMIT 3",
      "SELECT id FROM emp ORDER BY id LIMIT 5 OFFSET 100",
      "SELECT id FROM emp ORDER BY id LIMIT 0",
      "SELECT id FROM emp ORDER BY id OFFSET 55",
      "SELECT count(*) FROM (SELECT id FROM emp WHERE id > 10 LIMIT 7)",
      "SELECT count(*) FROM (SELECT id FROM emp LIMIT 5 OFFSET 57)",
      "SELECT count(*) FROM (SELECT * FROM emp LIMIT 0)",
      "SELECT id FROM nothing ORDER BY id LIMIT 3",
      "SELECT dept, count(DISTINCT name), count(*), count(name), min(salary), max(name),"
          + " avg(salary) FROM emp GROUP BY dept",
      "SELECT count(DISTINCT dept), sum(DISTINCT dept), avg(DISTINCT dept), min(DISTINCT id),"
          + " count(DISTINCT name) FROM emp",
      "SELECT dept % 2 AS parity, count(DISTINCT dept), sum(DISTINCT salary), max(hired) FROM emp"
          + " GROUP BY 1",
      "SELECT count(DISTINCT name) FROM emp WHERE dept IS NULL OR name IS NULL",
      "SELECT count(DISTINCT name) FILTER (WHERE id > 10), count(DISTINCT dept) FROM emp",
      "SELECT count(DISTINCT v), count(*), sum(DISTINCT id), avg(DISTINCT id) FROM nothing",
      "SELECT v, count(DISTINCT id) FROM nothing GROUP BY v",
      "SELECT e.id, d.title FROM dept d RIGHT JOIN emp e ON e.dept = d.id",
      "SELECT d.title, e.id FROM dept d LEFT JOIN emp e ON e.dept = d.id",
      "SELECT e.id, d.title FROM emp e FULL JOIN dept d ON e.dept = d.id",
      "SELECT e.id, d.title, n.v FROM emp e JOIN dept d ON e.dept = d.id"
          + " LEFT JOIN nothing n ON n.id = e.id",
      "SELECT id, name FROM emp WHERE dept NOT IN (SELECT id FROM dept WHERE id > 0)",
      "SELECT id FROM dept WHERE id NOT IN (SELECT dept FROM emp)",
      "SELECT e.id, d.title FROM emp e JOIN dept d ON e.dept = d.id ORDER BY e.id DESC LIMIT 5",
      "SELECT d.title, count(*), min(e.name), sum(e.salary), count(DISTINCT e.name)"
          + " FROM emp e LEFT JOIN dept d ON e.dept = d.id GROUP BY d.title",
      "SELECT e.id, x.id FROM emp e JOIN emp x ON e.id = x.id + 1 WHERE e.dept = 1",
      "SELECT d.id, x.title FROM dept d JOIN dept x ON d.id < x.id");

  static Stream<Arguments> queries() {
    return Stream.of(0L, SMALL, SqlPlanner.DEFAULT_BROADCAST_BYTES)
        .flatMap(threshold -> QUERIES.stream().map(sql -> Arguments.of(sql, threshold)));
  }

  @ParameterizedTest(name = "[{1} bytes] {0}")
  @MethodSource("queries")
  void matchesOracle(String sql, long threshold) throws Exception {
    QueryPlan plan = new SqlPlanner(threshold).plan(sql, DATASETS);
    assertEquals(cluster.oracleTypes(sql), plan.columns().stream().map(Column::type).toList(),
        "column types\n" + plan);
    for (ScanFragment scan : plan.scans()) {
      assertTrue(scan.sql().contains("FROM \"" + scan.dataset() + "\""), scan.sql());
      for (String broadcast : scan.broadcast()) {
        assertTrue(SCHEMAS.get(broadcast).bytes() <= threshold, plan.toString());
      }
    }
    RowsAssert.assertSameRows(cluster.oracle(sql), cluster.run(plan), sql.toUpperCase().contains("ORDER BY"),
        sql + "\n" + plan);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM '/etc/passwd'",
      "SELECT * FROM \"x.parquet\"", "COPY emp TO 'x.csv'", "ATTACH 'x.db'", "PRAGMA version",
      "INSTALL httpfs", "LOAD httpfs", "SET threads = 1", "INSERT INTO emp VALUES (1)",
      "DELETE FROM emp", "CREATE VIEW v AS SELECT 1", "SELECT * FROM TABLE(foo(1))",
  })
  void refusesNonQueries(String sql) {
    SqlRejected e = assertThrows(SqlRejected.class, () -> new SqlPlanner().plan(sql, DATASETS));
    assertTrue(e.kind() == SqlRejected.Kind.FORBIDDEN || e.kind() == SqlRejected.Kind.UNKNOWN,
        e.kind() + ": " + e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void aggregatesPartiallyInTheFragment() {
    QueryPlan plan = new SqlPlanner().plan(
        "SELECT dept, count(*), sum(salary), min(hired), max(id), avg(salary) FROM emp GROUP BY dept",
        DATASETS);
    String fragment = plan.scans().get(0).sql();
    assertTrue(fragment.contains("GROUP BY \"dept\""), fragment);
    assertTrue(fragment.contains("COUNT(*)") && fragment.contains("SUM(\"salary\")")
        && fragment.contains("MIN(\"hired\")") && fragment.contains("MAX(\"id\")"), fragment);
    assertTrue(!fragment.contains("AVG("), "AVG travels as SUM and COUNT: " + fragment);
    assertTrue(plan.finalSql().contains("GROUP BY \"dept\""), plan.finalSql());
  }

  @org.junit.jupiter.api.Test
  void aggregatesWithoutGroupsPartiallyToo() {
    String fragment = new SqlPlanner().plan("SELECT count(*) FROM emp WHERE id > 3", DATASETS)
        .scans().get(0).sql();
    assertTrue(fragment.contains("COUNT(*)") && fragment.contains("WHERE"), fragment);
  }

  @org.junit.jupiter.api.Test
  void keepsOnlyEachSplitsTopRows() {
    QueryPlan plan = new SqlPlanner().plan(
        "SELECT id, salary FROM emp WHERE dept = 1 ORDER BY salary DESC, id LIMIT 5 OFFSET 3",
        DATASETS);
    String fragment = plan.scans().get(0).sql();
    assertTrue(fragment.contains("WHERE") && fragment.endsWith(
        "ORDER BY \"salary\" DESC, \"id\"\nFETCH NEXT 8 ROWS ONLY"), fragment);
    assertTrue(plan.finalSql().endsWith("ORDER BY \"salary\" DESC, \"id\"\nOFFSET 3 ROWS\n"
        + "FETCH NEXT 5 ROWS ONLY"), plan.finalSql());
    String limitOnly = new SqlPlanner()
        .plan("SELECT count(*) FROM (SELECT id FROM emp LIMIT 5 OFFSET 2)", DATASETS)
        .scans().get(0).sql();
    assertTrue(limitOnly.endsWith("FETCH NEXT 7 ROWS ONLY") && !limitOnly.contains("ORDER BY"),
        limitOnly);
  }

  @org.junit.jupiter.api.Test
  void deduplicatesDistinctArgumentsInTheFragment() {
    QueryPlan plan = new SqlPlanner().plan(
        "SELECT dept, count(DISTINCT name), count(*) FROM emp GROUP BY dept", DATASETS);
    String fragment = plan.scans().get(0).sql();
    assertTrue(fragment.contains("GROUP BY \"dept\", \"name\"") && fragment.contains("COUNT(*)")
        && !fragment.contains("DISTINCT"), fragment);
    assertTrue(plan.finalSql().contains("COUNT(DISTINCT \"name\")")
        && plan.finalSql().contains("GROUP BY \"dept\""), plan.finalSql());
  }

  @org.junit.jupiter.api.Test
  void keepsDistinctAggregatesWholeBesideCallsThatCannotSplit() {
    for (String sql : List.of(
        "SELECT dept, count(DISTINCT name), sum(id) FROM emp GROUP BY dept",
        "SELECT count(DISTINCT name) FILTER (WHERE id > 10) FROM emp")) {
      String fragment = new SqlPlanner().plan(sql, DATASETS).scans().get(0).sql();
      assertTrue(!fragment.contains("COUNT(") && !fragment.contains("GROUP BY"), fragment);
    }
  }

  @org.junit.jupiter.api.Test
  void readsSmallDatasetsWholeInTheBigOnesFragment() {
    QueryPlan plan = new SqlPlanner(SMALL).plan("SELECT d.title, count(*), sum(e.salary)"
        + " FROM emp e LEFT JOIN dept d ON e.dept = d.id GROUP BY d.title", DATASETS);
    assertEquals(1, plan.scans().size(), plan.toString());
    ScanFragment scan = plan.scans().get(0);
    assertEquals("emp", scan.dataset());
    assertEquals(List.of("dept"), scan.broadcast());
    assertTrue(scan.sql().contains("LEFT JOIN") && scan.sql().contains("GROUP BY"), scan.sql());
  }

  @org.junit.jupiter.api.Test
  void neverSplitsTheSmallerSideAndPartitionsAJoinOfTwoBigOnes() {
    String preserved = "SELECT d.title, e.id FROM dept d LEFT JOIN emp e ON e.dept = d.id";
    List<Map.Entry<String, Long>> cases = List.of(
        // dept, small, is kept whole with NULLs where emp, big, has no match: emp cannot be split.
        Map.entry(preserved, SMALL),
        // Both are small, but splitting dept would read the larger emp whole in every split.
        Map.entry(preserved, SqlPlanner.DEFAULT_BROADCAST_BYTES),
        // Both are big.
        Map.entry("SELECT e.id, d.title FROM emp e JOIN dept d ON e.dept = d.id", TINY));
    cases.forEach(c -> {
      QueryPlan plan = new SqlPlanner(c.getValue()).plan(c.getKey(), DATASETS);
      assertEquals(List.of("dept", "emp"),
          plan.scans().stream().map(ScanFragment::dataset).sorted().toList(), plan.toString());
      // each side is split and sends its rows, by the hash of its join key, to the join's partitions
      assertTrue(plan.scans().stream().allMatch(scan -> scan.broadcast().isEmpty()
          && scan.partitionBy().startsWith("hash(CAST(")), plan.toString());
      assertEquals(1, plan.joins().size(), plan.toString());
      assertEquals(List.of("scan_0", "scan_1"), plan.joins().get(0).sides(), plan.toString());
      assertTrue(plan.joins().get(0).sql().contains("JOIN") && !plan.finalSql().contains("JOIN"), plan.toString());
    });
  }

  /**
   * An aggregate of the big side by the join keys, joined with a small side: each split of the big side
   * first keeps only the keys the small side has (it reads it whole), unless the aggregate's rows are kept
   * unmatched (the preserved side of an outer join).
   */
  @org.junit.jupiter.api.Test
  void reducesAnAggregatedBigSideByTheKeysOfTheSmallOneUnlessItIsPreserved() throws Exception {
    Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
    cases.put("SELECT title FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.id AND e.salary > 30)", true);
    cases.put("SELECT title FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.id AND e.salary > 30)", true);
    cases.put("SELECT d.title, t.n FROM dept d LEFT JOIN (SELECT dept, count(*) n FROM emp WHERE salary > 10 "
        + "GROUP BY dept) t ON t.dept = d.id", true);
    cases.put("SELECT t.dept, t.n, d.title FROM (SELECT dept, count(*) n FROM emp GROUP BY dept) t "
        + "LEFT JOIN dept d ON t.dept = d.id", false);
    cases.put("SELECT t.dept, t.n, d.title FROM (SELECT dept, count(*) n FROM emp GROUP BY dept) t "
        + "FULL JOIN dept d ON t.dept = d.id", false);
    for (Map.Entry<String, Boolean> c : cases.entrySet()) {
      String sql = c.getKey();
      QueryPlan plan = new SqlPlanner(SMALL, false).plan(sql, DATASETS);
      ScanFragment emp = plan.scans().stream().filter(s -> s.dataset().equals("emp")).findFirst().orElseThrow();
      assertEquals(c.getValue() ? List.of("dept") : List.of(), emp.broadcast(), sql + "\n" + plan);
      RowsAssert.assertSameRows(cluster.oracle(sql), cluster.run(plan), false, sql + "\n" + plan);
    }
  }

  /** EXISTS and a join with a grouped sub-query: the aggregate of the side is computed in each partition. */
  @org.junit.jupiter.api.Test
  void partitionsAJoinWithAnAggregateGroupedByItsKeyEachGroupWholeInOnePartition() throws Exception {
    for (String sql : List.of(
        "SELECT id, name FROM emp e WHERE EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept)",
        "SELECT title FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.id AND e.salary > 30)",
        "SELECT d.title, t.n, t.total FROM dept d JOIN (SELECT dept, count(*) n, sum(salary) total FROM emp "
            + "GROUP BY dept HAVING count(*) > 1) t ON t.dept = d.id",
        "SELECT id FROM emp e WHERE salary > (SELECT avg(salary) FROM emp f WHERE f.dept = e.dept)")) {
      QueryPlan plan = new SqlPlanner(TINY).plan(sql, DATASETS);
      assertEquals(1, plan.joins().size(), sql + "\n" + plan);
      assertTrue(plan.joins().get(0).sql().contains("GROUP BY") && !plan.finalSql().contains("JOIN"), sql + "\n" + plan);
      // the aggregated side's splits send raw rows, by the hash of the group key
      assertTrue(plan.scans().stream().allMatch(scan -> scan.partitionBy() != null && !scan.sql().contains("GROUP BY")),
          sql + "\n" + plan);
      RowsAssert.assertSameRows(cluster.oracle(sql), cluster.run(plan), false, sql + "\n" + plan);
    }
  }

  /** Calcite's optimiser here writes EXISTS as joins over aggregates: build SEMI and ANTI. */
  @org.junit.jupiter.api.Test
  void splitsTheProbeSideOfSemiAndAntiJoins() throws Exception {
    RelBuilder b = relBuilder();
    RelNode anti = b.scan("emp").scan("dept")
        .antiJoin(b.equals(b.field(2, 0, "dept"), b.field(2, 1, "id")))
        .project(b.field("id"), b.field("name")).build();
    assertSplitsLike(anti, "SELECT id, name FROM emp e"
        + " WHERE NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept)", List.of("emp"));
    RelNode semi = b.scan("emp").scan("dept")
        .semiJoin(b.equals(b.field(2, 0, "dept"), b.field(2, 1, "id")))
        .project(b.field("id"), b.field("name")).build();
    assertSplitsLike(semi, "SELECT id, name FROM emp e"
        + " WHERE EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept)", List.of("emp"));
    RelNode bigBuild = b.scan("dept").scan("emp")
        .antiJoin(b.equals(b.field(2, 0, "id"), b.field(2, 1, "dept")))
        .project(b.field("title")).build();
    assertSplitsLike(bigBuild, "SELECT title FROM dept d"
        + " WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE d.id = e.dept)", List.of("dept", "emp"));
  }

  @org.junit.jupiter.api.Test
  void readsNothingWholeThatEverySplitWouldComputeAnew() {
    RelBuilder b = relBuilder();
    RelNode random = b.scan("emp")
        .scan("dept").filter(b.lessThan(b.call(SqlStdOperatorTable.RAND), b.literal(2)))
        .join(JoinRelType.INNER, b.equals(b.field(2, 0, "dept"), b.field(2, 1, "id"))).build();
    for (long threshold : List.of(SMALL, SqlPlanner.DEFAULT_BROADCAST_BYTES)) {
      List<FragmentCutter.Segment> segments =
          FragmentCutter.cut(random, new BroadcastJoins(DATASETS, threshold)).segments();
      assertEquals(List.of("emp", "dept"),
          segments.stream().map(FragmentCutter.Segment::dataset).toList());
      assertTrue(segments.stream().allMatch(segment -> segment.broadcast().isEmpty()));
    }
  }

  private static RelBuilder relBuilder() {
    JavaTypeFactoryImpl types = new JavaTypeFactoryImpl(DuckDbTypes.TYPE_SYSTEM);
    return RelFactories.LOGICAL_BUILDER.create(
        RelOptCluster.create(new HepPlanner(HepProgram.builder().build()), new RexBuilder(types)),
        new CalciteCatalogReader(DatasetTables.rootSchema(DATASETS), List.of(), types,
            new CalciteConnectionConfigImpl(new Properties())));
  }

  private static void assertSplitsLike(RelNode rel, String sql, List<String> split)
      throws Exception {
    FragmentCutter.Cut cut = FragmentCutter.cut(rel, new BroadcastJoins(DATASETS, SMALL));
    List<ScanFragment> scans = new ArrayList<>();
    for (FragmentCutter.Segment segment : cut.segments()) {
      scans.add(new ScanFragment(segment.input(), segment.dataset(), DuckDbSql.of(segment.rel()),
          segment.broadcast(), segment.partitionBy()));
    }
    List<JoinFragment> joins = cut.joins().stream()
        .map(join -> new JoinFragment(join.input(), join.sides(), DuckDbSql.named(join.rel()))).toList();
    QueryPlan plan = new QueryPlan(scans, joins, DuckDbSql.of(cut.rest()), List.of(), false);
    assertEquals(split, scans.stream().map(ScanFragment::dataset).toList(), plan.toString());
    assertEquals(split.size() == 1 ? List.of("dept") : List.of(),
        scans.stream().flatMap(scan -> scan.broadcast().stream()).toList(), plan.toString());
    RowsAssert.assertSameRows(cluster.oracle(sql), cluster.run(plan), false, sql + "\n" + plan);
  }

  @org.junit.jupiter.api.Test
  void keepsIntegerSumsWhole() {
    String fragment = new SqlPlanner().plan("SELECT dept, sum(id) FROM emp GROUP BY dept",
        DATASETS).scans().get(0).sql();
    assertTrue(!fragment.contains("SUM(") && !fragment.contains("GROUP BY"), fragment);
  }

  @org.junit.jupiter.api.Test
  void reportsDuckDbsResultTypes() {
    QueryPlan plan = new SqlPlanner().plan(
        "SELECT avg(id) a, sum(id) s, count(*) n, sum(salary) d FROM emp", DATASETS);
    assertEquals(List.of(new Column("a", "DOUBLE"), new Column("s", "HUGEINT"),
        new Column("n", "BIGINT"), new Column("d", "DOUBLE")), plan.columns());
  }

  @org.junit.jupiter.api.Test
  void namesProblems() {
    SqlRejected syntax = assertThrows(SqlRejected.class,
        () -> new SqlPlanner().plan("SELECT id\nFROM emp WHERE", DATASETS));
    assertEquals(SqlRejected.Kind.SYNTAX, syntax.kind());
    assertTrue(syntax.getMessage().contains("line 2, column"), syntax.getMessage());
    SqlRejected table = assertThrows(SqlRejected.class,
        () -> new SqlPlanner().plan("SELECT * FROM nope", DATASETS));
    assertEquals(SqlRejected.Kind.UNKNOWN, table.kind());
    assertTrue(table.getMessage().contains("nope"), table.getMessage());
    SqlRejected column = assertThrows(SqlRejected.class,
        () -> new SqlPlanner().plan("SELECT bogus FROM emp", DATASETS));
    assertEquals(SqlRejected.Kind.UNKNOWN, column.kind());
    assertTrue(column.getMessage().contains("bogus"), column.getMessage());
  }

  @org.junit.jupiter.api.Test
  void recognisesDdl() {
    PlannedStatement create = new SqlPlanner().planStatement(
        "CREATE TABLE rich AS SELECT * FROM emp WHERE salary > 50", DATASETS);
    assertEquals("rich", ((PlannedStatement.CreateTableAs) create).name());
    assertEquals(new PlannedStatement.DropTable("rich"),
        new SqlPlanner().planStatement("DROP TABLE rich;", DATASETS));
  }
}
