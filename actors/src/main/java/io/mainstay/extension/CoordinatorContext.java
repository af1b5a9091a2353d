package io.mainstay.extension;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/** What the runtime gives a coordinator service. */
public interface CoordinatorContext {

  String node();

  /**
   * The node's configuration, its file over the defaults ({@code paths.local} absolute): an extension
   * reads its own keys here, and checks them itself.
   */
  Config config();

  /** The main as this node last heard of it. */
  MainChange main();

  /**
   * Asks this extension's main service on the main, wherever it runs (over the cluster when it is another
   * node): the message and its reply must then implement {@link io.mainstay.actors.CborSerializable}. Fails
   * with {@link NotMainException} while no main is published or its service is not running.
   */
  <M, R> CompletionStage<R> askMain(Function<ActorRef<R>, M> message, Duration timeout);
}
