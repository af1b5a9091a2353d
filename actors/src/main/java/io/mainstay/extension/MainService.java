package io.mainstay.extension;

import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A behaviour that runs only on the active main: started after takeover (the store open, the epoch
 * known), stopped before a graceful handover closes the store, restarted with backoff when it throws.
 *
 * @param <T> its protocol
 */
public interface MainService<T> {

  Behavior<T> create(MainContext<T> context);

  /**
   * The message that tells the service the main was fenced (its ZooKeeper connection is suspended: it may
   * already have been replaced) or resumed at the same epoch; empty: the service is not told. While fenced,
   * nothing it sends to executors leaves the node and its store writes are refused.
   */
  default Optional<T> onMainState(MainState state) {
    return Optional.empty();
  }

  /**
   * The message that tells the service an executor joined or left this main's registry; empty: the service
   * is not told (it can still ask {@link MainContext#executors()}).
   */
  default Optional<T> onExecutorChange(ExecutorChange change) {
    return Optional.empty();
  }
}
