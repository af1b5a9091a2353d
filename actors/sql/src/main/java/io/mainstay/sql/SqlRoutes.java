package io.mainstay.sql;

import io.mainstay.extension.RouteContext;
import io.mainstay.sql.datasets.DatasetRoutes;
import io.mainstay.sql.jobs.JobRoutes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The SQL extension's resources: datasets, and queries with their jobs. */
final class SqlRoutes extends AllDirectives {

  Route create(RouteContext context) {
    return concat(new DatasetRoutes().create(context), new JobRoutes().create(context));
  }
}
