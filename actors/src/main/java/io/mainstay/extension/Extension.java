package io.mainstay.extension;

import java.util.Optional;

/**
 * What a developer adds to Mainstay: found through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.mainstay.extension.Extension} file in its jar) on the node's class path, in
 * the distribution's {@code lib/ext/} and in the directory {@code extensions.dir} names. Each part is
 * optional; the runtime starts each under supervision where it belongs:
 *
 * <ul>
 *   <li>{@link #mainService()} on the active main only, between takeover and handover;
 *   <li>{@link #coordinatorService()} on every coordinator (main, standbys and secondary coordinators);
 *   <li>{@link #executorService()} on every executor, fed the main service's epoch-stamped commands;
 *   <li>{@link #routes()} on coordinators, under {@code /api/v1/ext/<name>/}.
 * </ul>
 *
 * An implementation needs a public no-argument constructor and must not do work in it.
 */
public interface Extension {

  /** Lower-case letters, digits and '-', starting with a letter, at most 40 characters; unique per node. */
  String name();

  /** Shown in {@code /api/v1/cluster}; by default the jar manifest's Implementation-Version. */
  default String version() {
    String version = getClass().getPackage().getImplementationVersion();
    return version == null ? "unversioned" : version;
  }

  default Optional<MainService<?>> mainService() {
    return Optional.empty();
  }

  default Optional<CoordinatorService<?>> coordinatorService() {
    return Optional.empty();
  }

  default Optional<ExecutorService<?>> executorService() {
    return Optional.empty();
  }

  default Optional<ExtensionRoutes> routes() {
    return Optional.empty();
  }
}
