package io.mainstay.runtime.extension;

import io.mainstay.extension.Extension;
import io.mainstay.store.Tables;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the node's extensions with {@link ServiceLoader}: on the class path, and in the jars of the
 * distribution's {@code lib/ext/} and of {@code extensions.dir}, through one class loader over those jars.
 * Anything wrong (a provider that cannot be loaded or built, a bad name, two extensions of one name, a
 * missing {@code extensions.dir}) is an {@link ExtensionProblem} of one line naming the extension and
 * its jar: the node must not start with half of what the operator asked for.
 */
public final class ExtensionLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ExtensionLoader.class);
  private static final String SERVICE_FILE = "META-INF/services/" + Extension.class.getName();

  /** A loaded extension and where its class came from (a jar, or a class-path directory). */
  public record LoadedExtension(Extension extension, String source) {}

  /**
   * What was found, and the class loader that sees the extensions' jars: the actor system must use it, or
   * Pekko cannot deserialize the extensions' messages.
   */
  public record Found(List<LoadedExtension> extensions, ClassLoader classLoader) {}

  /** One line: the node exits 2 with it. */
  public static final class ExtensionProblem extends Exception {
    public ExtensionProblem(String message) {
      super(message);
    }
  }

  private ExtensionLoader() {}

  /**
   * @param shipped the distribution's directories of extension jars ({@code lib/ext/}, and {@code
   *     lib/examples/} when asked for): each read when it exists
   * @param operatorDir {@code extensions.dir}: must exist when given
   */
  public static Found load(ClassLoader parent, List<Path> shipped, Optional<Path> operatorDir, Set<String> disabled)
      throws ExtensionProblem {
    List<Path> jars = new ArrayList<>();
    for (Path dir : shipped) {
      if (Files.isDirectory(dir)) {
        jars.addAll(jarsIn(dir, dir.toString()));
      }
    }
    if (operatorDir.isPresent()) {
      Path dir = operatorDir.get();
      if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
        throw new ExtensionProblem("extensions.dir " + dir + " is not a readable directory");
      }
      jars.addAll(jarsIn(dir, "extensions.dir"));
    }
    Map<String, List<Path>> declared = declarations(jars);
    ClassLoader loader = jars.isEmpty() ? parent : new URLClassLoader(urls(jars), parent);
    Map<String, LoadedExtension> found = new LinkedHashMap<>();
    for (ServiceLoader.Provider<Extension> provider : providers(loader, declared)) {
      String source = source(provider.type());
      Extension extension;
      try {
        extension = provider.get();
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        throw new ExtensionProblem("extension " + provider.type().getName() + " in " + source + " cannot be created: " + cause(e));
      }
      String name = extension.name();
      if (!Tables.isValidName(name)) {
        throw new ExtensionProblem("extension " + provider.type().getName() + " in " + source + " has the name '" + name
            + "': use lower-case letters, digits and '-', starting with a letter, at most 40");
      }
      LoadedExtension twin = found.get(name);
      if (twin != null) {
        throw new ExtensionProblem("two extensions are named " + name + ": " + twin.extension().getClass().getName() + " in "
            + twin.source() + " and " + provider.type().getName() + " in " + source);
      }
      found.put(name, new LoadedExtension(extension, source));
    }
    Set<String> unknown = new TreeSet<>(disabled);
    List<LoadedExtension> started = new ArrayList<>();
    for (LoadedExtension loaded : found.values()) {
      String name = loaded.extension().name();
      unknown.remove(name);
      if (disabled.contains(name)) {
        LOG.info("extension {} ({}) disabled by extensions.disabled", name, loaded.source());
      } else {
        LOG.info("extension {} version {} loaded from {}", name, loaded.extension().version(), loaded.source());
        started.add(loaded);
      }
    }
    unknown.forEach(name -> LOG.warn("extensions.disabled names {}, but no such extension was found", name));
    return new Found(List.copyOf(started), loader);
  }

  /** Each provider's class loaded one at a time, so a broken one is named with its jar. */
  private static List<ServiceLoader.Provider<Extension>> providers(ClassLoader loader, Map<String, List<Path>> declared)
      throws ExtensionProblem {
    try {
      return ServiceLoader.load(Extension.class, loader).stream().toList();
    } catch (ServiceConfigurationError e) {
      List<String> naming = declared.entrySet().stream()
          .filter(entry -> String.valueOf(e.getMessage()).contains(entry.getKey()))
          .flatMap(entry -> entry.getValue().stream())
          .map(Path::toString)
          .distinct()
          .toList();
      throw new ExtensionProblem(cause(e) + (naming.isEmpty() ? "" : " (declared in " + String.join(", ", naming) + ")"));
    }
  }

  /**
   * Each provider class the jars' service files name, with the jars that name it. One class in two jars
   * (a copy in lib/ext and another in extensions.dir) is refused: one loader over both would silently run
   * whichever comes first.
   */
  private static Map<String, List<Path>> declarations(List<Path> jars) throws ExtensionProblem {
    Map<String, List<Path>> declared = new LinkedHashMap<>();
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        JarEntry entry = file.getJarEntry(SERVICE_FILE);
        if (entry == null) {
          continue;
        }
        String services = new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
        services.lines()
            .map(line -> line.replaceFirst("#.*", "").strip())
            .filter(line -> !line.isEmpty())
            .forEach(className -> declared.computeIfAbsent(className, name -> new ArrayList<>()).add(jar));
      } catch (IOException e) {
        throw new ExtensionProblem("cannot read the extension jar " + jar + ": " + e.getMessage());
      }
    }
    for (Map.Entry<String, List<Path>> entry : declared.entrySet()) {
      if (entry.getValue().size() > 1) {
        throw new ExtensionProblem("extension " + entry.getKey() + " is declared in more than one jar: "
            + entry.getValue().stream().map(Path::toString).collect(Collectors.joining(", ")) + "; keep one of them");
      }
    }
    return declared;
  }

  private static List<Path> jarsIn(Path dir, String what) throws ExtensionProblem {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new ExtensionProblem("cannot list " + what + " " + dir + ": " + e);
    }
  }

  private static URL[] urls(List<Path> jars) throws ExtensionProblem {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new ExtensionProblem("not a usable jar path: " + jars.get(i));
      }
    }
    return urls;
  }

  private static String source(Class<?> type) {
    CodeSource code = type.getProtectionDomain().getCodeSource();
    if (code == null || code.getLocation() == null) {
      return "the class path";
    }
    try {
      return Path.of(code.getLocation().toURI()).toString();
    } catch (Exception e) {
      return code.getLocation().toString();
    }
  }

  private static String cause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.getMessage() : e.getMessage() + ": " + root;
  }
}
