package io.mainstay.actors.extension;

import io.mainstay.actors.supervision.ServiceSupervisor;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mainstay.extension.Extension;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The extensions a node runs (built in and found on its class path), how their services are supervised,
 * and the node's configuration their contexts hand them.
 */
public record Extensions(List<Extension> list, ServiceSupervisor.Settings supervision, Config config) {

  /** Where every extension service runs, apart from the runtime's own actors. */
  public static final String DISPATCHER = "mainstay.extension-dispatcher";

  public Extensions {
    list = List.copyOf(list);
  }

  public static Extensions none() {
    return new Extensions(List.of(), ServiceSupervisor.Settings.defaults(), ConfigFactory.empty());
  }

  /** The name of an extension's supervised service of {@code kind} ("main", "executor", "coordinator"). */
  private static String serviceName(Extension extension, String kind) {
    return "ext-" + extension.name() + "-" + kind;
  }

  /**
   * Starts {@code extension}'s service of {@code kind} as a child of {@code context}, under its supervisor,
   * on the extensions' dispatcher, reporting to {@code board}.
   *
   * @param where the node (and epoch) its log lines name
   * @return the service's address: its supervisor, which forwards
   */
  public ActorRef<Object> spawn(
      ActorContext<?> context,
      String where,
      Extension extension,
      String kind,
      Function<ActorRef<Object>, Behavior<?>> factory,
      ServiceBoard board) {
    String name = serviceName(extension, kind);
    return context.spawn(
        ServiceSupervisor.create(where, name, factory, supervision, board.reporter(extension, kind)),
        name,
        DispatcherSelector.fromConfig(DISPATCHER));
  }
}
