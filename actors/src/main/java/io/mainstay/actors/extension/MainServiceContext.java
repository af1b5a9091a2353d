package io.mainstay.actors.extension;

import com.typesafe.config.Config;
import io.mainstay.actors.executor.Executor;
import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.storage.StoreService;
import io.mainstay.extension.ExecutorSlots;
import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionStore;
import io.mainstay.extension.MainContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What one extension's main service gets from the main of one epoch. */
final class MainServiceContext<T> implements MainContext<T> {

  private static final Logger LOG = LoggerFactory.getLogger(MainServiceContext.class);

  private final String node;
  private final long epoch;
  private final Extension extension;
  private final ActorRef<T> self;
  private final AtomicBoolean fenced;
  private final ActorRef<ExecutorRegistry.Command> registry;
  private final ActorSystem<?> system;
  private final Duration timeout;
  private final TableStore store;
  private final Config config;

  MainServiceContext(
      String node,
      long epoch,
      Extension extension,
      ActorRef<T> self,
      AtomicBoolean fenced,
      ActorRef<StoreService.Command> store,
      ActorRef<ExecutorRegistry.Command> registry,
      ActorSystem<?> system,
      Duration timeout,
      Config config) {
    this.node = node;
    this.config = config;
    this.epoch = epoch;
    this.extension = extension;
    this.self = self;
    this.fenced = fenced;
    this.registry = registry;
    this.system = system;
    this.timeout = timeout;
    this.store = new TableStore(extension.name(), store, fenced::get, timeout, system.scheduler());
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public ActorRef<T> self() {
    return self;
  }

  @Override
  public boolean fenced() {
    return fenced.get();
  }

  @Override
  public ExtensionStore store() {
    return store;
  }

  @Override
  public CompletionStage<List<ExecutorSlots>> executors() {
    return AskPattern.ask(registry, ExecutorRegistry.ListExecutors::new, timeout, system.scheduler())
        .thenApply(list -> list.executors().stream()
            .filter(info -> info.epoch() == epoch && info.state() == ExecutorRegistry.ExecutorState.REGISTERED)
            .map(info -> new ExecutorSlots(info.node(), info.slots()))
            .toList());
  }

  @Override
  public void tellExecutor(String executorNode, Object command) {
    if (fenced.get()) {
      LOG.warn("node {} epoch {}: main fenced; not sending a command of extension {} to {}",
          node, epoch, extension.name(), executorNode);
      return;
    }
    Executor.ExtensionCommand stamped;
    try {
      stamped = ExtensionCommands.wrap(system, epoch, node, extension.name(), command);
    } catch (Exception e) { // Pekko's Try rethrows its serializer's checked exceptions
      LOG.warn("node {} epoch {}: a command of extension {} cannot be serialized, not sent: {}",
          node, epoch, extension.name(), e.toString());
      return;
    }
    registry.tell(new ExecutorRegistry.Deliver(executorNode, stamped));
  }
}
