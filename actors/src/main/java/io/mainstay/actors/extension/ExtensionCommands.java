package io.mainstay.actors.extension;

import io.mainstay.actors.CborSerializable;
import io.mainstay.actors.executor.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Wraps an extension's command in the runtime's epoch-stamped envelope, and unwraps it on the executor.
 * The command travels as bytes of Pekko's serializer for its class, so the envelope carries any
 * extension's type without Jackson having to know it.
 */
public final class ExtensionCommands {

  private ExtensionCommands() {}

  public static Executor.ExtensionCommand wrap(
      ActorSystem<?> system, long epoch, String mainNode, String extension, Object command) {
    if (!(command instanceof CborSerializable)) {
      throw new IllegalArgumentException(
          "a command of extension " + extension + " must implement " + CborSerializable.class.getName() + ": "
              + command.getClass().getName());
    }
    Serialization serialization = SerializationExtension.get(system);
    Serializer serializer = serialization.findSerializerFor(command);
    byte[] bytes = serialization.serialize(command).get();
    return new Executor.ExtensionCommand(
        epoch, mainNode, extension, bytes, serializer.identifier(), Serializers.manifestFor(serializer, command));
  }

  public static Object unwrap(ActorSystem<?> system, Executor.ExtensionCommand command) {
    return SerializationExtension.get(system)
        .deserialize(command.payload(), command.serializerId(), command.manifest())
        .get();
  }
}
