package io.mainstay.sql;

import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.MainContext;
import io.mainstay.extension.MainService;
import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.jobs.CoordinatorHub;
import io.mainstay.sql.jobs.JobLedger;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * SQL's main service, what only the main does: the dataset catalog, the ledger of every coordinator's jobs
 * (both in the store), and the hub the coordinators' job managers follow, each its own actor. A failure of
 * any ends all (the runtime restarts the service with backoff), so none runs without the others.
 */
public final class SqlMain implements MainService<SqlMain.Command> {

  /** What the service takes: its children's commands. */
  public interface Command {}

  private record Executors(ExecutorChange change) implements Command {}

  @Override
  public Behavior<Command> create(MainContext<Command> main) {
    return Behaviors.setup(ctx -> {
      SqlSettings settings = SqlSettings.from(main.config());
      ActorRef<DatasetCatalog.Command> datasets = ctx.spawn(DatasetCatalog.create(main), "datasets");
      ActorRef<JobLedger.Command> ledger =
          ctx.spawn(JobLedger.create(main, settings.coordinatorGrace(), settings.jobsKept(), settings.jobsMaxAge()),
              "ledger");
      ActorRef<CoordinatorHub.Command> hub = ctx.spawn(CoordinatorHub.create(main, ledger), "coordinators");
      // no handler for Terminated: a child's death fails this service, which the runtime restarts
      ctx.watch(datasets);
      ctx.watch(ledger);
      ctx.watch(hub);
      return Behaviors.receive(Command.class)
          .onMessage(DatasetCatalog.Command.class, c -> {
            datasets.tell(c);
            return Behaviors.same();
          })
          .onMessage(JobLedger.Command.class, c -> {
            ledger.tell(c);
            return Behaviors.same();
          })
          .onMessage(CoordinatorHub.Command.class, c -> {
            hub.tell(c);
            return Behaviors.same();
          })
          .onMessage(Executors.class, e -> {
            hub.tell(new CoordinatorHub.ExecutorsChanged(e.change()));
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
