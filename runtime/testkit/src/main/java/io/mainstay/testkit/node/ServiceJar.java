package io.mainstay.testkit.node;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * An extension jar for a test: only the {@code META-INF/services} file naming the extension classes, which
 * the node loads from its own class path. Put in {@code extensions.dir}, it makes a node start them.
 */
public final class ServiceJar {

  /** The service interface the node's {@code ServiceLoader} reads, by name: the kit depends on no Mainstay module. */
  public static final String EXTENSION_SERVICE = "io.mainstay.extension.Extension";

  private ServiceJar() {}

  /** Writes {@code jar} (and its directory) naming {@code providers}, class names as the service file lists them. */
  public static Path write(Path jar, List<String> providers) {
    try {
      Files.createDirectories(jar.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
        jarOut.putNextEntry(new JarEntry("META-INF/services/" + EXTENSION_SERVICE));
        jarOut.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
        jarOut.closeEntry();
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + jar, e);
    }
  }
}
