package io.mainstay.actors.extension;

import io.mainstay.actors.CborSerializable;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/** Where an extension's main service can be asked; empty with the reason and the main's URL when not here. */
public record ServiceLocation(Optional<ActorRef<Object>> service, String reason, Optional<String> mainUrl)
    implements CborSerializable {

  public static ServiceLocation at(ActorRef<Object> service) {
    return new ServiceLocation(Optional.of(service), "", Optional.empty());
  }

  public static ServiceLocation unavailable(String reason, Optional<String> mainUrl) {
    return new ServiceLocation(Optional.empty(), reason, mainUrl);
  }
}
