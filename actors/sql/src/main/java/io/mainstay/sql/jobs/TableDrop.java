package io.mainstay.sql.jobs;

import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.datasets.DatasetReply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code DROP TABLE name}: the main's catalog unregisters the dataset and deletes the files CREATE TABLE AS
 * wrote for it (a registered dataset's files stay); the job's result is one summary row.
 */
final class TableDrop {

  private TableDrop() {}

  /** @return the job's summary result; fails with a message naming the table */
  static CompletionStage<JobDatabase.Result> run(String job, String name, JobDatabase database, Executor blocking,
      CatalogAsk catalog) {
    return catalog.ask(replyTo -> new DatasetCatalog.Drop(name, replyTo)).thenApplyAsync(reply -> {
      if (!(reply instanceof DatasetReply.Dropped dropped)) {
        throw new IllegalStateException("DROP TABLE " + name + ": " + TableCreation.reason(reply));
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("ok", true);
      summary.put("summary", "Table [" + name + "] dropped" + (dropped.deleted() > 0
          ? ", " + dropped.deleted() + " files it was created with deleted" : ""));
      try {
        return database.summary(job, summary);
      } catch (Exception e) {
        throw new IllegalStateException("DROP TABLE " + name + " is done but its summary failed: " + e.getMessage(), e);
      }
    }, blocking);
  }
}
