package io.mainstay.sql.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.extension.ExecutorSlots;
import io.mainstay.sql.datasets.Dataset;
import io.mainstay.sql.exchange.ExchangeKey;
import io.mainstay.sql.exchange.ExchangeServer;
import io.mainstay.sql.execution.FragmentCommand;
import io.mainstay.sql.execution.FragmentReport;
import io.mainstay.sql.planning.Column;
import io.mainstay.sql.planning.QueryPlan;
import io.mainstay.sql.planning.ScanFragment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.apache.arrow.memory.RootAllocator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test plays the executors: it reads the splits QueryRun relays through its manager and reports for them. */
class QueryRunTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration EXECUTOR_WAIT = Duration.ofMillis(1500);

  /** Two files: with two slots or more, two splits, the larger file in split 0. */
  private static final Dataset ORDERS = new Dataset("orders", Dataset.Format.parquet, "/data/orders", null,
      List.of(new Dataset.Column("amount", "BIGINT")),
      List.of(new Dataset.DataFile("/data/orders/a.parquet", 2000, 20L),
          new Dataset.DataFile("/data/orders/b.parquet", 1000, 10L)),
      30L, List.of());
  private static final QueryPlan PLAN = new QueryPlan(
      List.of(new ScanFragment("scan_0", "orders", "SELECT amount FROM \"orders\"", List.of())), List.of(),
      "SELECT sum(amount) AS total FROM scan_0", List.of(new Column("total", "BIGINT")), false);

  private static ActorTestKit testKit;

  @TempDir Path dir;
  private RootAllocator allocator;
  private JobDatabase database;
  private ExchangeServer exchange;
  private TestProbe<JobManager.Command> manager;
  private ActorRef<QueryRun.Command> run;

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    allocator = new RootAllocator();
    database = new JobDatabase(dir, "256MB", dir, allocator);
    exchange = new ExchangeServer(allocator, "127.0.0.1", "127.0.0.1", 0);
    manager = testKit.createTestProbe();
  }

  @AfterEach
  void stop() throws Exception {
    RootAllocator allocator = this.allocator;
    JobDatabase database = this.database;
    ExchangeServer exchange = this.exchange;
    // closed in reverse order, each even when what comes before it fails
    try (allocator; database; exchange) {
      if (run != null) {
        testKit.stop(run, WAIT); // first: it may still use the database
      }
    }
  }

  @Test
  void anExecutorMissingFromTheNewMainsRegistryKeepsItsSplitWhenItRegistersWithinTheWait() {
    List<JobManager.Relay> started = start(new ExecutorSlots("exec-a", 1), new ExecutorSlots("exec-b", 1));
    assertEquals(List.of("exec-a", "exec-b"), started.stream().map(JobManager.Relay::executor).toList());

    run.tell(new QueryRun.NewMain(List.of(new ExecutorSlots("exec-a", 1), new ExecutorSlots("exec-c", 1))));
    // exec-b follows the new main well within the wait
    run.tell(new QueryRun.ExecutorJoined(new ExecutorSlots("exec-b", 1)));
    manager.expectNoMessage(EXECUTOR_WAIT.plusMillis(500));

    // its first attempt still counts: had the split been sent again, this report would be ignored
    ExchangeKey onB = key(started.get(1));
    run.tell(new QueryRun.Reported(new FragmentReport.Succeeded(onB, "exec-b", 10, 5)));
    Job job = manager.expectMessageClass(JobManager.Updated.class, WAIT).job();
    Job.Fragment split = job.fragments().get(1);
    assertEquals("exec-b", split.executor());
    assertEquals(1, split.attempts());
    assertEquals("DONE", split.state());
  }

  @Test
  void anExecutorMissingFromTheNewMainsRegistryGetsTheWaitThenItsSplitRunsElsewhere() {
    List<JobManager.Relay> started = start(new ExecutorSlots("exec-a", 1), new ExecutorSlots("exec-b", 1));

    run.tell(new QueryRun.NewMain(List.of(new ExecutorSlots("exec-a", 1), new ExecutorSlots("exec-c", 1))));
    // nothing moves before the wait is over (less a margin for the scheduler)
    manager.expectNoMessage(EXECUTOR_WAIT.minusMillis(300));

    // exec-a is busy with split 0, so exec-c, idle and listed, takes the next attempt of exec-b's split
    JobManager.Relay again = manager.expectMessageClass(JobManager.Relay.class, WAIT);
    assertEquals("exec-c", again.executor());
    ExchangeKey first = key(started.get(1));
    assertEquals(new ExchangeKey(first.job(), first.input(), first.split(), 2), key(again));
    Job job = manager.expectMessageClass(JobManager.Updated.class, WAIT).job();
    assertEquals(List.of("exec-a", "exec-c"), job.fragments().stream().map(Job.Fragment::executor).toList());
  }

  @Test
  void aSplitWhoseExecutorIsLostWhenNoOtherExecutorIsLiveFailsTheJob() {
    start(new ExecutorSlots("exec-a", 2));

    run.tell(new QueryRun.ExecutorLost("exec-a", "it left the cluster"));
    // the executor may still be running the split's first attempt: it is told to stop
    manager.expectMessage(WAIT, new JobManager.Relay("exec-a", new FragmentCommand.Cancel("job-1")));
    Job ended = manager.expectMessageClass(JobManager.Ended.class, WAIT).job();
    assertEquals(Job.State.FAILED, ended.state());
    String why = ended.errorMessage();
    assertTrue(why.startsWith("no live executor left to run fragment scan_0 split 0 (exec-a was lost:"), why);
  }

  /**
   * Runs the query over {@code executors} (two slots at least: one split per file): the splits it relays, in
   * order, once it has said it is running.
   */
  private List<JobManager.Relay> start(ExecutorSlots... executors) {
    Job submitted = new Job("job-1", "SELECT sum(amount) AS total FROM orders", Job.State.PLANNING, "coord-1", 1,
        Instant.now(), null, null, null, null, List.of(), List.of());
    QueryRun.Setting setting = new QueryRun.Setting("coord-1", database, exchange, EXECUTOR_WAIT,
        ForkJoinPool.commonPool(), manager.getRef(), dir,
        message -> CompletableFuture.failedFuture(new UnsupportedOperationException("a query asks no catalog")));
    run = testKit.spawn(QueryRun.create(submitted, PLAN, Map.of("orders", ORDERS), List.of(executors),
        Optional.empty(), setting));
    List<JobManager.Relay> relays = new ArrayList<>();
    for (int i = 0; i < ORDERS.files().size(); i++) {
      relays.add(manager.expectMessageClass(JobManager.Relay.class, WAIT));
    }
    assertEquals(Job.State.RUNNING, manager.expectMessageClass(JobManager.Updated.class, WAIT).job().state());
    return relays;
  }

  private static ExchangeKey key(JobManager.Relay relay) {
    return assertInstanceOf(FragmentCommand.Run.class, relay.command()).key();
  }
}
