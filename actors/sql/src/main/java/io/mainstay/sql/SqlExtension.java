package io.mainstay.sql;

import io.mainstay.extension.CoordinatorService;
import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.ExecutorService;
import io.mainstay.extension.MainService;
import io.mainstay.sql.execution.FragmentRunner;
import java.util.Optional;

/**
 * SQL on the cluster, a built-in extension. Its routes are served at {@code /api/v1/datasets}, {@code
 * /api/v1/sql} and {@code /api/v1/jobs} (and under {@code /api/v1/ext/sql/} like any extension's); the main
 * service keeps the datasets and the jobs' records, every coordinator's service plans and runs queries, the
 * executor service runs their fragments.
 */
public final class SqlExtension implements Extension {

  public static final String NAME = "sql";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<MainService<?>> mainService() {
    return Optional.of(new SqlMain());
  }

  @Override
  public Optional<CoordinatorService<?>> coordinatorService() {
    return Optional.of(new SqlCoordinator());
  }

  @Override
  public Optional<ExecutorService<?>> executorService() {
    return Optional.of(new FragmentRunner());
  }

  @Override
  public Optional<ExtensionRoutes> routes() {
    return Optional.of(context -> new SqlRoutes().create(context));
  }
}
