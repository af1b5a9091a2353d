package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.MainstayNodeBuilder;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash-partitioned joins on a real cluster: a main that only coordinates and two executors of two slots, no
 * dataset small enough to broadcast ({@code sql.broadcast-threshold: 0}), so every join of two datasets runs
 * as four partitions on the executors. Every join type, EXISTS and NOT EXISTS (joins with an aggregate of the
 * other side, aggregated in the partitions), keys of mixed integer types, text keys, NULL keys, an empty side: each answer, paged through the REST API, is DuckDB's over the same files. An executor
 * killed while it holds partitions of a running query: they move to the other one, every split of both sides
 * sends again, and the answer is the same, the extra attempts shown in the job. A secondary coordinator killed
 * mid-query: the executors drop the rows its job left with them.
 */
@ExtendWith(ManagedProcesses.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlPartitionedJoinsIT {

  private static final int SESSION_MS = 4000;
  private static final Duration DEADLINE = Await.GENEROUS.multipliedBy(2);
  private static final long ORDERS = 120_000;
  private static final long PAYMENTS = 80_000;
  private static final long WIDE_ROWS = 2_000_000;

  /** Each query, with whether its ORDER BY fixes the order of every row. */
  private static final Map<String, Boolean> JOINS = new LinkedHashMap<>();

  static {
    JOINS.put("SELECT o.id, o.amount, p.paid FROM orders o JOIN payments p ON o.id = p.order_id "
        + "WHERE o.id % 10 = 3 AND p.paid > 20", false);
    JOINS.put("SELECT o.customer, count(*) AS n, count(p.pid) AS paid_n, sum(p.paid) AS paid "
        + "FROM orders o LEFT JOIN payments p ON o.id = p.order_id GROUP BY o.customer ORDER BY o.customer", true);
    JOINS.put("SELECT p.pid, o.id, o.note FROM orders o RIGHT JOIN payments p "
        + "ON o.id = p.order_id AND o.customer = p.customer WHERE p.pid % 20 = 1", false);
    JOINS.put("SELECT count(*), count(o.id), count(p.pid), sum(o.amount), sum(p.paid) "
        + "FROM orders o FULL JOIN payments p ON o.id = p.order_id", false);
    JOINS.put("SELECT count(*), sum(amount) FROM orders o WHERE EXISTS "
        + "(SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.paid > 100)", false);
    JOINS.put("SELECT o.customer, count(*) AS n FROM orders o WHERE NOT EXISTS "
        + "(SELECT 1 FROM payments p WHERE p.order_id = o.id) GROUP BY o.customer ORDER BY o.customer", true);
    JOINS.put("SELECT o.id, o.amount, t.total, t.n FROM orders o JOIN (SELECT order_id, sum(paid) AS total, count(*) AS n "
        + "FROM payments GROUP BY order_id HAVING count(*) > 1) t ON t.order_id = o.id WHERE o.id % 10 = 1", false);
    JOINS.put("SELECT o.note, p.memo, o.amount, p.paid FROM orders o JOIN payments p ON o.note = p.memo "
        + "WHERE o.id % 7 = 0", false);
    JOINS.put("SELECT o.quantity, count(*) AS n, sum(p.paid) AS paid FROM orders o JOIN payments p "
        + "ON o.id = p.order_id AND o.quantity = p.installments GROUP BY o.quantity ORDER BY o.quantity", true);
    JOINS.put("SELECT c.region, count(DISTINCT o.customer) AS customers, count(*) AS n FROM orders o "
        + "JOIN customers c ON o.customer = c.id GROUP BY c.region ORDER BY c.region", true);
    JOINS.put("SELECT count(*), count(p.pid) FROM orders o LEFT JOIN payments p ON o.id = p.order_id AND p.paid < 0",
        false);
    JOINS.put("SELECT count(*) FROM orders o JOIN payments p ON o.id = p.order_id WHERE p.paid < 0", false);
  }

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static Path root;
  private static ZooKeeperProcess zookeeper;
  private static MainstayNodeProcess main;
  private static MainstayNodeProcess exec1;
  private static MainstayNodeProcess exec2;
  private static MainstayNodeProcess secondary;
  /** exec-1 takes partitioned rows on a port of the test's choosing (sql.exchange.executor-port), exec-2 on any. */
  private static int exec1Exchange;
  private static NodeHttp http;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(dir.resolve("datasets")).toRealPath();
    for (String table : List.of("orders", "payments", "customers", "wide")) {
      Files.createDirectories(root.resolve(table));
    }
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      write(s, "orders", 6, ORDERS, "i AS id, (i * 7919) % 500 AS customer, ((i * 37) % 1000 / 4.0)::DECIMAL(15,2) AS amount, "
          + "(i % 9)::INTEGER AS quantity, "
          + "CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN 'rush ' || i ELSE 'regular' END AS note");
      // a tenth of the payments have no order, some name orders that do not exist, some orders have several
      write(s, "payments", 4, PAYMENTS, "i AS pid, CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 3) % 150000 END AS order_id, "
          + "CASE WHEN i % 3 = 0 THEN i % 500 ELSE ((i * 3) % 150000 * 7919) % 500 END AS customer, "
          + "((i * 13) % 2000 / 10.0)::DECIMAL(12,2) AS paid, (i % 7)::SMALLINT AS installments, "
          + "CASE WHEN (i * 3) % 150000 % 4 = 1 THEN 'rush ' || ((i * 3) % 150000) END AS memo");
      write(s, "wide", 4, WIDE_ROWS, "i AS id, i * 3 AS v");
      for (int part = 0; part < 2; part++) {
        s.execute("COPY (SELECT i AS id, CASE i % 3 WHEN 0 THEN 'north' WHEN 1 THEN 'south' ELSE 'east' END AS region "
            + "FROM range(" + part * 250 + ", " + (part + 1) * 250 + ") t(i)) TO '"
            + root.resolve("customers/part-" + part + ".csv") + "' (HEADER, DELIMITER ',')");
      }
    }
    zookeeper = ZooKeeperProcess.standalone(dir.resolve("zookeeper")).start();
    main = node("join-main").sharedStore(dir.resolve("shared-store")).executor(false).build().start();
    exec1Exchange = Loopback.freePort();
    exec1 = node("exec-1").coordinator(false).mainEligible(false).executor(true)
        .extraConf("sql.exchange.executor-port: " + exec1Exchange).build().start();
    exec2 = node("exec-2").coordinator(false).mainEligible(false).executor(true).build().start();
    main.awaitRole(Ping.MAIN, DEADLINE);
    secondary = node("join-coord").mainEligible(false).executor(false).build().start();
    http = main.http();
    Await.until("both executors registered with the main", DEADLINE,
        () -> main.cluster().executors().keySet().equals(Set.of("exec-1", "exec-2")));
    for (String table : List.of("orders", "payments", "wide")) {
      register(table, "{\"format\": \"parquet\", \"location\": \"" + root.resolve(table) + "\"}");
    }
    register("customers", "{\"format\": \"csv\", \"location\": \"" + root.resolve("customers") + "/*.csv\"}");
  }

  private static void write(Statement s, String table, int parts, long rows, String columns) throws Exception {
    for (int part = 0; part < parts; part++) {
      s.execute("COPY (SELECT " + columns + " FROM range(" + part * rows / parts + ", " + (part + 1) * rows / parts
          + ") t(i)) TO '" + root.resolve(table + "/part-" + part + ".parquet") + "' (FORMAT PARQUET)");
    }
  }

  private static MainstayNodeBuilder node(String name) {
    return SqlAnswers.node(dir, name, zookeeper.connectString(), SESSION_MS, root)
        .extraConf("sql.broadcast-threshold: 0")
        .extraConf("sql.partitioned-joins: true");
  }

  private static void register(String name, String body) {
    SqlAnswers.register(http, name, body);
  }

  @Test
  @Order(1)
  void everyJoinTypeRunsInPartitionsOnBothExecutorsAndAnswersAsDuckDb() throws Exception {
    for (Map.Entry<String, Boolean> query : JOINS.entrySet()) {
      String sql = query.getKey();
      boolean ordered = query.getValue();
      JsonNode job = SqlAnswers.run(http, sql, DEADLINE);
      assertEquals("COMPLETED", job.get("state").asText(), sql + ": " + job);
      List<List<String>> expected = oracle(sql);
      List<List<String>> actual = SqlAnswers.results(http, job.get("id").asText());
      assertEquals(ordered ? expected : SqlAnswers.sorted(expected), ordered ? actual : SqlAnswers.sorted(actual), sql);
      List<JsonNode> partitions = partitions(job);
      assertEquals(4, partitions.size(), "one partition per executor slot: " + sql + ": " + job);
      Set<String> executors = new HashSet<>();
      partitions.forEach(p -> executors.add(p.get("executor").asText()));
      assertEquals(Set.of("exec-1", "exec-2"), executors, sql + ": " + job);
      job.get("fragments").forEach(f -> assertEquals("DONE", f.get("state").asText(), sql + ": " + job));
    }
    exec1.awaitLog("join partitions' rows arrive at 127.0.0.1:" + exec1Exchange, DEADLINE);
  }

  @Test
  @Order(2)
  void anExecutorKilledWhileItHoldsPartitionsLeavesThemToTheOtherAndTheAnswerIsTheSame() throws Exception {
    String sql = "SELECT count(*), sum(a.v + b.v), count(DISTINCT a.id % 1000) FROM wide a JOIN wide b ON a.id = b.id "
        + "WHERE b.id % 3 <> 1";
    List<List<String>> expected = oracle(sql);
    // killed once some split sent rows to its partitions and before any partition ran; a machine so fast
    // that exec-2's partitions were done before it died (nothing to move) tries again
    for (int round = 1; ; round++) {
      String id = SqlAnswers.submit(http, sql, DEADLINE);
      Await.until("job " + id + " to have sent some rows to its partitions", DEADLINE, () -> {
        JsonNode job = SqlAnswers.job(http, id);
        return SqlAnswers.ended(job) != null || job.get("fragments").findValues("state").stream()
            .anyMatch(state -> state.asText().equals("DONE"));
      });
      exec2.kill9();
      JsonNode job = Await.value("job " + id + " to end", DEADLINE, () -> SqlAnswers.ended(SqlAnswers.job(http, id)));
      assertEquals("COMPLETED", job.get("state").asText(), job.toString());
      assertEquals(expected, SqlAnswers.results(http, id), "the answer with exec-2 killed under it");
      long onExec1 = partitions(job).stream().filter(p -> p.get("executor").asText().equals("exec-1")).count();
      if (onExec1 > 2) {
        // two of the four partitions were exec-2's: the sides sent their rows again, to exec-1 this time
        boolean resent = false;
        for (JsonNode fragment : job.get("fragments")) {
          resent |= fragment.get("sides").isEmpty() && fragment.get("attempts").asInt() > 1;
        }
        // (a partition exec-2 finished before it died stays its own: its rows were in)
        assertTrue(resent, "the sides' splits sent again: " + job);
        return;
      }
      assertTrue(round < 3, "in 3 rounds exec-2's partitions were always done before it was killed: " + job);
      exec2.start();
      Await.until("exec-2 registered again", DEADLINE, () -> main.cluster().executors().containsKey("exec-2"));
    }
  }

  @Test
  @Order(3)
  void theRowsAJobLeftOnTheExecutorsGoWhenItsCoordinatorDiesMidQuery() throws Exception {
    String sql = "SELECT count(*), sum(a.v - b.v) FROM wide a JOIN wide b ON a.id = b.id";
    for (int round = 1; ; round++) {
      NodeHttp coord = secondary.http();
      String id = SqlAnswers.submit(coord, sql, DEADLINE);
      JsonNode seen = Await.value("job " + id + " to have sent some rows to its partitions", DEADLINE, () -> {
        JsonNode job = SqlAnswers.job(coord, id);
        boolean sent = job.get("fragments").findValues("state").stream().anyMatch(s -> s.asText().equals("DONE"));
        return SqlAnswers.ended(job) != null || sent ? job : null;
      });
      secondary.kill9();
      if (SqlAnswers.ended(seen) == null && !partitions(seen).isEmpty()) {
        // exec-1 runs partitions of every job: once the killed node leaves the cluster, its run's end reaches it
        exec1.awaitLog("job " + id + " ended on its coordinator without a cancel here", DEADLINE);
        JsonNode failed = Await.value("the main to record " + id + " FAILED", DEADLINE, () -> {
          JsonNode job = SqlAnswers.job(http, id);
          return "FAILED".equals(job.get("state").asText()) ? job : null;
        });
        assertTrue(failed.get("errorMessage").asText().contains("coordinator lost: join-coord"), failed.toString());
        JsonNode after = SqlAnswers.run(http, sql, DEADLINE);
        assertEquals("COMPLETED", after.get("state").asText(), "the executors still run joins: " + after);
        assertEquals(oracle(sql), SqlAnswers.results(http, after.get("id").asText()));
        return;
      }
      assertTrue(round < 3, "in 3 rounds the query always ended before its coordinator could be killed: " + seen);
      secondary.start();
    }
  }

  private static List<JsonNode> partitions(JsonNode job) {
    List<JsonNode> partitions = new ArrayList<>();
    job.get("fragments").forEach(f -> {
      if (!f.get("sides").isEmpty()) {
        partitions.add(f);
      }
    });
    return partitions;
  }

  private static List<List<String>> oracle(String sql) throws Exception {
    List<String> views = new ArrayList<>();
    for (String table : List.of("orders", "payments", "wide")) {
      views.add("CREATE VIEW " + table + " AS SELECT * FROM read_parquet('" + root.resolve(table) + "/*.parquet')");
    }
    views.add("CREATE VIEW customers AS SELECT * FROM read_csv('" + root.resolve("customers") + "/*.csv')");
    return SqlAnswers.oracle(views, sql);
  }
}
