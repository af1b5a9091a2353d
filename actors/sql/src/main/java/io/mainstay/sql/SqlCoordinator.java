package io.mainstay.sql;

import io.mainstay.extension.CoordinatorContext;
import io.mainstay.extension.CoordinatorService;
import io.mainstay.extension.MainChange;
import io.mainstay.sql.jobs.JobManager;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;

/**
 * SQL's coordinator service, what every coordinator does: plan queries and run them with the executors, as
 * the {@link JobManager} of this node. Secondary coordinators spread planning and final stages; a standby
 * stays passive until it is the main.
 */
public final class SqlCoordinator implements CoordinatorService<JobManager.Command> {

  @Override
  public Behavior<JobManager.Command> create(CoordinatorContext context) {
    return JobManager.create(context);
  }

  @Override
  public Optional<JobManager.Command> onMainChange(MainChange change) {
    return Optional.of(new JobManager.MainChanged(change));
  }
}
