package io.mainstay.extension;

import org.apache.pekko.http.javadsl.server.Route;

/**
 * HTTP routes on every coordinator, mounted under {@code /api/v1/ext/<extension>/}: paths are relative to
 * that prefix. A route that throws, or whose future fails, answers 500 with a JSON error; a {@link
 * RouteContext#askMain} on a node that is not the main answers 503 with the main's URL, as the built-in
 * API does.
 */
public interface ExtensionRoutes {

  Route create(RouteContext context);
}
