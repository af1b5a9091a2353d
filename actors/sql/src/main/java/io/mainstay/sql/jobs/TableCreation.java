package io.mainstay.sql.jobs;

import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.datasets.DatasetReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * The end of {@code CREATE TABLE name AS query}: the result's Parquet files in a directory of its own under
 * {@code paths.scratch} (written by the executors split by split when the final stage only gathers them,
 * else by the coordinator from its database) registered as the dataset {@code name} with the files written
 * (which DROP TABLE deletes), and the job's result one summary row. When the catalog refuses (the name was
 * taken meanwhile), the files written are deleted.
 */
final class TableCreation {

  private TableCreation() {}

  /** Where the table's files go: a directory of its own. */
  static Path directory(Path scratch, String name, String job) {
    return scratch.resolve(name + "-" + job);
  }

  /**
   * Writes the result in the coordinator's database as one file, then registers it.
   *
   * @return the job's summary result; fails with a message naming the table
   */
  static CompletionStage<JobDatabase.Result> finish(String job, String name, long rows, Path scratch,
      JobDatabase database, Executor blocking, CatalogAsk catalog) {
    Path directory = directory(scratch, name, job);
    return CompletableFuture.supplyAsync(() -> {
      try {
        return database.export(job, Files.createDirectories(directory));
      } catch (Exception e) {
        throw new IllegalStateException("CREATE TABLE " + name + ": writing " + directory + " failed: " + e.getMessage(), e);
      }
    }, blocking).thenCompose(files -> register(job, name, rows, directory, files, database, blocking, catalog));
  }

  /**
   * Registers {@code files} (written into {@code directory}, by the coordinator or by executors, split by
   * split) as the dataset {@code name}; what else is in the directory (an abandoned attempt's hidden partial
   * file) is deleted first.
   */
  static CompletionStage<JobDatabase.Result> register(String job, String name, long rows, Path directory,
      List<Path> files, JobDatabase database, Executor blocking, CatalogAsk catalog) {
    return CompletableFuture.runAsync(() -> deleteAllBut(directory, files), blocking)
        .thenCompose(cleared -> catalog.ask(replyTo -> new DatasetCatalog.Create(name, directory.toString(),
            files.stream().map(Path::toString).toList(), replyTo)))
        .thenApplyAsync(reply -> {
          if (!(reply instanceof DatasetReply.Found)) {
            delete(files, directory);
            throw new IllegalStateException("CREATE TABLE " + name + ": the dataset was not registered: " + reason(reply));
          }
          Map<String, Object> summary = new LinkedHashMap<>();
          summary.put("dataset", name);
          summary.put("rows", rows);
          summary.put("path", directory.toString());
          try {
            return database.summary(job, summary);
          } catch (Exception e) {
            throw new IllegalStateException("CREATE TABLE " + name + " is registered but its summary failed: " + e.getMessage(), e);
          }
        }, blocking);
  }

  private static void deleteAllBut(Path directory, List<Path> files) {
    try (Stream<Path> present = Files.list(directory)) {
      for (Path path : present.toList()) {
        if (!files.contains(path)) {
          Files.deleteIfExists(path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CREATE TABLE: " + directory + " cannot be cleared: " + e.getMessage(), e);
    }
  }

  static String reason(DatasetReply reply) {
    if (reply instanceof DatasetReply.Refused refused) {
      return refused.reason();
    }
    if (reply instanceof DatasetReply.Unavailable unavailable) {
      return unavailable.reason();
    }
    if (reply instanceof DatasetReply.NotFound notFound) {
      return "no dataset named " + notFound.name();
    }
    return reply.toString();
  }

  private static void delete(List<Path> files, Path directory) {
    try {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("the files of a table not registered were not deleted: " + e.getMessage(), e);
    }
  }
}
