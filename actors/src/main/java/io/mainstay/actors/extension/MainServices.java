package io.mainstay.actors.extension;

import io.mainstay.actors.executor.ExecutorRegistry;
import io.mainstay.actors.storage.StoreService;
import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.extension.ExecutorChange;
import io.mainstay.extension.Extension;
import io.mainstay.extension.MainService;
import io.mainstay.extension.MainState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The extensions' main services of one term, each under its {@link ServiceSupervisor}, children of the
 * main coordinator: started once the store is open and the epoch taken, told when the main is fenced and
 * when it resumes, stopped before the store closes.
 */
public final class MainServices {

  private record Running(MainService<Object> service, ActorRef<Object> supervisor) {}

  private final AtomicBoolean fenced = new AtomicBoolean();
  private final Map<String, Running> running = new LinkedHashMap<>();
  private final ActorContext<?> context;
  private final ServiceBoard board;

  @SuppressWarnings("unchecked")
  public MainServices(
      ActorContext<?> context,
      String node,
      long epoch,
      Extensions extensions,
      ServiceBoard board,
      ActorRef<StoreService.Command> store,
      ActorRef<ExecutorRegistry.Command> registry,
      Duration timeout) {
    this.context = context;
    this.board = board;
    for (Extension extension : extensions.list()) {
      extension.mainService().ifPresent(declared -> {
        MainService<Object> service = (MainService<Object>) declared;
        ActorRef<Object> supervisor =
            extensions.spawn(
                context,
                "node " + node + " epoch " + epoch,
                extension,
                "main",
                self -> service.create(
                    new MainServiceContext<>(
                        node, epoch, extension, self, fenced, store, registry, context.getSystem(), timeout, extensions.config())),
                board);
        running.put(extension.name(), new Running(service, supervisor));
      });
    }
  }

  /**
   * Where {@code extension}'s main service is asked: its supervisor, which forwards, unless the extension
   * has none or the service spent its restart budget (asking it would only time out).
   */
  public ServiceLocation locate(String extension) {
    Running service = running.get(extension);
    if (service == null) {
      return ServiceLocation.unavailable("extension " + extension + " has no main service on this node", Optional.empty());
    }
    return board.state(extension, "main")
        .filter(state -> state.state() == ServiceSupervisor.State.FAILED)
        .map(state -> ServiceLocation.unavailable("extension " + extension + "'s main service has failed and stays stopped"
            + state.lastFailure().map(cause -> " (last failure: " + cause + ")").orElse(""), Optional.empty()))
        .orElseGet(() -> ServiceLocation.at(service.supervisor()));
  }

  public void fence(String reason) {
    fenced.set(true);
    tell(new MainState.Fenced(reason));
  }

  public void resume() {
    fenced.set(false);
    tell(new MainState.Resumed());
  }

  public void executorChanged(ExecutorChange change) {
    running.values().forEach(r -> r.service().onExecutorChange(change).ifPresent(r.supervisor()::tell));
  }

  /** Before the store closes: a service must not outlive the term whose store it writes. */
  public void stopAll() {
    running.values().forEach(r -> context.stop(r.supervisor()));
    running.clear();
  }

  private void tell(MainState state) {
    running.values().forEach(r -> r.service().onMainState(state).ifPresent(r.supervisor()::tell));
  }
}
