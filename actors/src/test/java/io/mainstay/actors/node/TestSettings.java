package io.mainstay.actors.node;

import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.main.MainCoordinator;
import io.mainstay.actors.membership.Downing;
import io.mainstay.actors.extension.Extensions;
import io.mainstay.store.MetadataStore;
import java.time.Duration;

/** Settings for actor unit tests: short timings, and no downing (the test kit runs without Pekko Cluster). */
final class TestSettings {

  private TestSettings() {}

  static MainCoordinator.Settings main() {
    return new MainCoordinator.Settings(
        Duration.ofSeconds(2), ExecutorRegistry.Settings.defaults(), Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  static NodeSupervisor.Settings fast() {
    return new NodeSupervisor.Settings(
        new Takeover.Settings(Duration.ofMillis(20), Duration.ofSeconds(10), MetadataStore.DEFAULT_MAP_SIZE),
        main(),
        Executor.Settings.defaults(),
        RequestGateway.Settings.defaults(),
        Downing.none(),
        Extensions.none());
  }
}
