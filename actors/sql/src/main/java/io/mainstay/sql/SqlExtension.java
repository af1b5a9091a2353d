package io.mainstay.sql;

import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.MainService;
import io.mainstay.sql.datasets.DatasetCatalog;
import io.mainstay.sql.datasets.DatasetRoutes;
import java.util.Optional;

/**
 * SQL on the cluster, a built-in extension. Its routes are served at {@code /api/v1/datasets} (and under
 * {@code /api/v1/ext/sql/datasets} like any extension's); the main service keeps the datasets in the store.
 */
public final class SqlExtension implements Extension {

  public static final String NAME = "sql";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<MainService<?>> mainService() {
    return Optional.of(new DatasetCatalog());
  }

  @Override
  public Optional<ExtensionRoutes> routes() {
    return Optional.of(new DatasetRoutes()::create);
  }
}
