package io.mainstay.sql.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobDatabaseTest {

  @TempDir
  Path dir;

  /** Jobs start and end on many threads at once (one query run each, results dropped on a pool). */
  @Test
  void jobsOpenFinishAndDropOnManyThreadsAtOnce() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        JobDatabase database = new JobDatabase(dir, "256MB", dir, allocator)) {
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Future<Long>> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          String job = "job-" + i;
          long n = i;
          jobs.add(threads.submit(() -> {
            database.open(job);
            long rows = database.finish(job, Map.of(), "SELECT * FROM range(" + n + ")").rows();
            database.drop(job);
            return rows;
          }));
        }
        for (int i = 0; i < jobs.size(); i++) {
          assertEquals(i, jobs.get(i).get(60, TimeUnit.SECONDS));
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void aCanceledFinalStageStopsAndLeavesNoResult() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        JobDatabase database = new JobDatabase(dir, "256MB", dir, allocator)) {
      database.open("slow");
      CompletableFuture<JobDatabase.Result> finish = CompletableFuture.supplyAsync(() -> {
        try {
          return database.finish("slow", Map.of(), "SELECT sum(a.range * b.range) AS s FROM range(200000000) a, range(1000) b");
        } catch (SQLException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      });
      // the statement registers when it starts: cancel until it has stopped
      while (!finish.isDone()) {
        database.cancel("slow");
        Thread.sleep(20);
      }
      ExecutionException stopped = assertThrows(ExecutionException.class, () -> finish.get(60, TimeUnit.SECONDS));
      assertTrue(String.valueOf(stopped.getCause().getMessage()).toLowerCase().contains("interrupt"),
          stopped.getCause().toString());
      assertThrows(SQLException.class, () -> database.page("slow", 0, 1), "no result table");
    }
  }

  @Test
  void aSummaryIsTheOneRowOfAResultAndAnExportWritesItAsParquet() throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        JobDatabase database = new JobDatabase(dir, "256MB", dir, allocator)) {
      database.open("made");
      database.finish("made", Map.of(), "SELECT range AS n FROM range(5)");
      Path out = Files.createDirectories(dir.resolve("out"));
      List<Path> files = database.export("made", out);
      assertEquals(List.of(out.resolve("part-0.parquet")), files);
      assertTrue(Files.size(files.get(0)) > 0);
      JobDatabase.Result summary = database.summary("made", new java.util.LinkedHashMap<>(Map.of("rows", 5L)));
      assertEquals(1, summary.rows());
      assertEquals(List.of(List.of(5L)), database.page("made", 0, 10));
    }
  }
}
