package io.mainstay.extension;

import org.apache.pekko.actor.typed.Behavior;

/** A behaviour on every coordinator node, whatever its role; restarted with backoff when it throws. */
public interface CoordinatorService<T> {

  Behavior<T> create(CoordinatorContext context);
}
