package io.mainstay.actors.extension;

import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.extension.Extension;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The health of every extension service on this node, as its supervisors last reported it: what {@code
 * /api/v1/cluster} lists. Supervisors write from their own threads; readers take a snapshot.
 */
public final class ServiceBoard {

  /** One service of one extension; {@code kind} is main, coordinator or executor. */
  public record ServiceState(String kind, ServiceSupervisor.State state, int restarts, Optional<String> lastFailure)
      implements CborSerializable {}

  /** Crosses nodes in executors' heartbeats. */
  public record ExtensionState(String name, String version, List<ServiceState> services) implements CborSerializable {}

  private final List<Extension> extensions;
  private final Map<String, Map<String, ServiceState>> states = new ConcurrentHashMap<>();

  public ServiceBoard(List<Extension> extensions) {
    this.extensions = List.copyOf(extensions);
  }

  /** The listener a supervisor of {@code extension}'s {@code kind} service reports to. */
  public Consumer<ServiceSupervisor.Health> reporter(Extension extension, String kind) {
    return health -> states.computeIfAbsent(extension.name(), name -> new ConcurrentHashMap<>())
        .put(kind, new ServiceState(kind, health.state(), health.restarts(), health.lastFailure()));
  }

  /** What {@code extension}'s {@code kind} service last reported, if it has run here. */
  public Optional<ServiceState> state(String extension, String kind) {
    return Optional.ofNullable(states.getOrDefault(extension, Map.of()).get(kind));
  }

  /** Every extension of the node, with the services that have run here (none yet: an empty list). */
  public List<ExtensionState> snapshot() {
    return extensions.stream()
        .map(extension -> new ExtensionState(
            extension.name(),
            extension.version(),
            states.getOrDefault(extension.name(), Map.of()).values().stream()
                .sorted(Comparator.comparing(ServiceState::kind))
                .toList()))
        .toList();
  }
}
