package io.mainstay.extension;

import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;

/** A behaviour on every coordinator node, whatever its role; restarted with backoff when it throws. */
public interface CoordinatorService<T> {

  Behavior<T> create(CoordinatorContext context);

  /**
   * The message that tells the service the main changed; empty: the service is not told (it can still read
   * {@link CoordinatorContext#main()}, as it should when it starts or restarts).
   */
  default Optional<T> onMainChange(MainChange change) {
    return Optional.empty();
  }
}
