package io.mainstay.sql;

import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.MainContext;
import io.mainstay.extension.MainService;
import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.jobs.JobManager;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * SQL's main service: the dataset catalog and the job manager side by side, each its own actor. A failure of
 * either ends both (the runtime restarts the service with backoff), so neither runs without the other.
 */
public final class SqlMain implements MainService<SqlMain.Command> {

  /** What the service takes: the catalog's and the job manager's commands. */
  public interface Command {}

  private record Executors(ExecutorChange change) implements Command {}

  @Override
  public Behavior<Command> create(MainContext<Command> main) {
    return Behaviors.setup(ctx -> {
      ActorRef<DatasetCatalog.Command> datasets = ctx.spawn(DatasetCatalog.create(main), "datasets");
      ActorRef<JobManager.Command> jobs = ctx.spawn(JobManager.create(main), "jobs");
      // no handler for Terminated: a child's death fails this service, which the runtime restarts
      ctx.watch(datasets);
      ctx.watch(jobs);
      return Behaviors.receive(Command.class)
          .onMessage(DatasetCatalog.Command.class, c -> {
            datasets.tell(c);
            return Behaviors.same();
          })
          .onMessage(JobManager.Command.class, c -> {
            jobs.tell(c);
            return Behaviors.same();
          })
          .onMessage(Executors.class, e -> {
            jobs.tell(new JobManager.ExecutorsChanged(e.change()));
            return Behaviors.same();
          })
          .build();
    });
  }

  @Override
  public Optional<Command> onExecutorChange(ExecutorChange change) {
    return Optional.of(new Executors(change));
  }
}
