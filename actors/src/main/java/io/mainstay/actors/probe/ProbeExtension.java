package io.mainstay.actors.probe;

import io.mainstay.extension.ExecutorService;
import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.MainService;
import java.util.Optional;

/**
 * The built-in probe, an extension like any other: a health reading from every registered executor at
 * once ({@code POST /api/v1/probe}), with the round trip each took. Found on the class path through the
 * actors jar's service file; {@code extensions.disabled: ["probe"]} leaves it out.
 */
public final class ProbeExtension implements Extension {

  public static final String NAME = "probe";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<MainService<?>> mainService() {
    return Optional.of(new ProbeService());
  }

  @Override
  public Optional<ExecutorService<?>> executorService() {
    return Optional.of(new ProbeFragment.Service());
  }

  @Override
  public Optional<ExtensionRoutes> routes() {
    return Optional.of(new ProbeRoutes());
  }
}
