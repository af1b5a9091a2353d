package io.mainstay.actors.extension;

import io.mainstay.actors.supervision.ServiceSupervisor;
import io.mainstay.extension.Extension;
import java.util.List;

/** The extensions a node runs (built in and found on its class path) and how their services are supervised. */
public record Extensions(List<Extension> list, ServiceSupervisor.Settings supervision) {

  public Extensions {
    list = List.copyOf(list);
  }

  public static Extensions none() {
    return new Extensions(List.of(), ServiceSupervisor.Settings.defaults());
  }

  /** The name of an extension's supervised service of {@code kind} ("main", "executor", "coordinator"). */
  public static String serviceName(Extension extension, String kind) {
    return "ext-" + extension.name() + "-" + kind;
  }
}
