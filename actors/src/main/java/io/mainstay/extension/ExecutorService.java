package io.mainstay.extension;

import org.apache.pekko.actor.typed.Behavior;

/**
 * A behaviour on every executor node. The runtime delivers it the commands of its extension's main
 * service, and only those of the newest main the executor has seen: a command stamped with an older epoch
 * is refused and logged before it reaches the service.
 *
 * @param <C> its commands, as the main service sends them
 */
public interface ExecutorService<C> {

  Class<C> commandType();

  Behavior<C> create(ExecutorContext context);
}
