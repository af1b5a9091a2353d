package io.mainstay.extension;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/** What the runtime gives a main service. */
public interface MainContext<T> {

  /** This node's name. */
  String node();

  /**
   * The node's configuration, its file over the defaults ({@code paths.local} absolute): an extension
   * reads its own keys here, and checks them itself.
   */
  Config config();

  /** The main's term; every command the service sends carries it. */
  long epoch();

  /** The service itself, for replies from executors (valid across its restarts). */
  ActorRef<T> self();

  /** True while the main is fenced. */
  boolean fenced();

  /** This extension's tables in the store; writes are epoch-fenced and confirmed. */
  ExtensionStore store();

  /** The executors registered with this main at its epoch, with their slots. */
  CompletionStage<List<ExecutorSlots>> executors();

  /**
   * Sends {@code command} to this extension's executor service on {@code executorNode}, stamped with this
   * main's epoch. Dropped (and logged) while fenced or when the executor is not registered; the executor
   * refuses it if it has seen a newer main. The command's class must implement {@link
   * io.mainstay.actors.CborSerializable} and be the executor service's {@link ExecutorService#commandType()}.
   */
  void tellExecutor(String executorNode, Object command);
}
