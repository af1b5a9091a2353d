package io.mainstay.sql.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.MainContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Creator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobLedgerTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Long enough that no test but the grace one sees the grace end. */
  private static final Duration NO_GRACE_END = Duration.ofHours(1);
  private static final Duration MONTH = Duration.ofDays(30);

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void atStartFinishedJobsPastTheMaxAgeGoAndUnfinishedOnesStayWhateverTheirAge() {
    Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
    Store store = new Store();
    store.hold(running("job-1", "coord-a", twoDaysAgo));
    store.hold(new Job("job-2", "SELECT 1", Job.State.COMPLETED, "coord-a", 1, twoDaysAgo, twoDaysAgo, twoDaysAgo,
        1L, null, List.of(), List.of()));
    store.hold(running("job-3", "coord-a", Instant.now()).ended(Job.State.FAILED, "boom"));
    ActorRef<JobLedger.Command> ledger = testKit.spawn(JobLedger.create(new Main(store), NO_GRACE_END, 100,
        Duration.ofDays(1)));

    // the prune at start removes in one pass: once job-2 is gone, what remains is final
    awaitListing(ledger, List.of("job-3", "job-1"));
  }

  @Test
  void beyondKeptTheOldestFinishedJobsGoButNeverAnUnfinishedOne() {
    ActorRef<JobLedger.Command> ledger = testKit.spawn(JobLedger.create(new Main(new Store()), NO_GRACE_END, 2, MONTH));
    // ids sort as their age, like the time-ordered ids of real jobs
    record(ledger, running("job-1", "coord-a", Instant.now()));
    record(ledger, running("job-2", "coord-a", Instant.now()).completed(1, List.of()));
    record(ledger, running("job-3", "coord-a", Instant.now()).ended(Job.State.FAILED, "boom"));
    record(ledger, running("job-4", "coord-a", Instant.now()).completed(1, List.of()));

    awaitListing(ledger, List.of("job-4", "job-1"));
  }

  @Test
  void aFinishedJobIsNeverRewrittenByALaterRecord() {
    ActorRef<JobLedger.Command> ledger =
        testKit.spawn(JobLedger.create(new Main(new Store()), NO_GRACE_END, 100, MONTH));
    Job job = running("job-1", "coord-a", Instant.now());
    assertTrue(record(ledger, job.completed(7, List.of())).stored());

    // a late progress write, and a second end, come after the first end and must not replace it
    JobLedger.Recorded late = record(ledger, job);
    assertFalse(late.stored());
    assertNull(late.failure());
    assertFalse(record(ledger, job.ended(Job.State.FAILED, "too late")).stored());

    Job stored = get(ledger, "job-1");
    assertEquals(Job.State.COMPLETED, stored.state());
    assertEquals(7L, stored.rowCount());
  }

  @Test
  void afterTheGraceTheUnfinishedJobsOfCoordinatorsThatNeverClaimedFailAndAClaimedOnesStay() {
    Store store = new Store();
    store.hold(running("job-1", "coord-a", Instant.now()));
    store.hold(running("job-2", "coord-b", Instant.now()));
    store.hold(running("job-3", "coord-b", Instant.now()).completed(3, List.of()));
    ActorRef<JobLedger.Command> ledger = testKit.spawn(JobLedger.create(new Main(store), Duration.ofSeconds(1), 100,
        MONTH));
    ledger.tell(new JobLedger.Claim("coord-a", List.of("job-1")));

    Job orphan = eventually(() -> {
      Job job = get(ledger, "job-2");
      assertEquals(Job.State.FAILED, job.state());
      return job;
    });
    assertTrue(orphan.errorMessage().startsWith("coordinator lost: coord-b"), orphan.errorMessage());
    // one pass fails every orphan: job-1 would be FAILED by now if the grace took it for one
    assertEquals(Job.State.RUNNING, get(ledger, "job-1").state());
    Job finished = get(ledger, "job-3");
    assertEquals(Job.State.COMPLETED, finished.state());
    assertNull(finished.errorMessage());
  }

  private static Job running(String id, String coordinator, Instant submitted) {
    return new Job(id, "SELECT 1", Job.State.ENQUEUED, coordinator, 1, submitted, null, null, null, null, List.of(),
        List.of()).running(Job.State.RUNNING, submitted, List.of());
  }

  private static JobLedger.Recorded record(ActorRef<JobLedger.Command> ledger, Job job) {
    TestProbe<JobLedger.Recorded> reply = testKit.createTestProbe();
    ledger.tell(new JobLedger.Record(job, reply.getRef()));
    JobLedger.Recorded recorded = reply.receiveMessage(WAIT);
    assertEquals(job.id(), recorded.id());
    return recorded;
  }

  private static Job get(ActorRef<JobLedger.Command> ledger, String id) {
    TestProbe<JobReply> reply = testKit.createTestProbe();
    ledger.tell(new JobLedger.Get(id, reply.getRef()));
    return assertInstanceOf(JobReply.Found.class, reply.receiveMessage(WAIT)).job();
  }

  /** The ledger's listing (newest first) comes to be {@code ids}. */
  private static void awaitListing(ActorRef<JobLedger.Command> ledger, List<String> ids) {
    eventually(() -> {
      TestProbe<JobReply> reply = testKit.createTestProbe();
      ledger.tell(new JobLedger.ListJobs(100, reply.getRef()));
      List<Job> jobs = assertInstanceOf(JobReply.Listing.class, reply.receiveMessage(WAIT)).jobs();
      assertEquals(ids, jobs.stream().map(Job::id).toList());
      return null;
    });
  }

  /** {@code check}'s value once it passes, retried until {@link #WAIT}. */
  private static <A> A eventually(Creator<A> check) {
    return testKit.createTestProbe().awaitAssert(WAIT, check);
  }

  /** The main's store, in memory: a sorted map per table, each write done when it returns. */
  private static final class Store implements ExtensionStore {

    private final Map<String, TreeMap<String, Entry>> tables = new HashMap<>();

    private TreeMap<String, Entry> entries(String table) {
      return tables.getOrDefault(table, new TreeMap<>());
    }

    /** A job the store held before the ledger started. */
    void hold(Job job) {
      put(JobLedger.TABLE, job.id(), JobJson.write(job));
    }

    @Override
    public synchronized CompletionStage<Long> put(String table, String key, byte[] value) {
      TreeMap<String, Entry> entries = tables.computeIfAbsent(table, t -> new TreeMap<>());
      Entry before = entries.get(key);
      long version = before == null ? 1 : before.version() + 1;
      entries.put(key, new Entry(key, value, version, 1, Instant.now()));
      return CompletableFuture.completedFuture(version);
    }

    @Override
    public synchronized CompletionStage<Boolean> delete(String table, String key) {
      return CompletableFuture.completedFuture(entries(table).remove(key) != null);
    }

    @Override
    public synchronized CompletionStage<Optional<Entry>> get(String table, String key) {
      return CompletableFuture.completedFuture(Optional.ofNullable(entries(table).get(key)));
    }

    @Override
    public synchronized CompletionStage<List<Entry>> list(String table) {
      return CompletableFuture.completedFuture(new ArrayList<>(entries(table).values()));
    }

    @Override
    public synchronized CompletionStage<List<Version>> versions(String table) {
      return CompletableFuture.completedFuture(entries(table).values().stream()
          .map(e -> new Version(e.key(), e.version())).toList());
    }
  }

  /** The main as the ledger sees it: a node, an epoch and the store. */
  private record Main(ExtensionStore store) implements MainContext<Void> {

    @Override
    public String node() {
      return "main-1";
    }

    @Override
    public long epoch() {
      return 1;
    }

    @Override
    public Config config() {
      throw new UnsupportedOperationException();
    }

    @Override
    public ActorRef<Void> self() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean fenced() {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<List<ExecutorSlots>> executors() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void tellExecutor(String executorNode, Object command) {
      throw new UnsupportedOperationException();
    }
  }
}
