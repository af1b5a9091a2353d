package io.mainstay.ext.checksum;

import io.mainstay.extension.ExecutorService;
import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.MainService;
import java.util.Optional;

/**
 * The example extension: a checksum of every file under a directory that the main and the executors read
 * at the same path, its files split over the executors by their slots. The job lives in the store, so a
 * new main finishes what the old one started.
 */
public final class ChecksumExtension implements Extension {

  public static final String NAME = "checksum";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<MainService<?>> mainService() {
    return Optional.of(new ChecksumJobs.Service(ChecksumJobs.Settings.defaults()));
  }

  @Override
  public Optional<ExecutorService<?>> executorService() {
    return Optional.of(new ChecksumWorker.Service());
  }

  @Override
  public Optional<ExtensionRoutes> routes() {
    return Optional.of(new ChecksumRoutes());
  }
}
