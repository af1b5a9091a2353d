package io.mainstay.actors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads and initializes every class whose name starts with one of the given prefixes (a package and its
 * subpackages, {@code "io.mainstay."}, or classes of one package, {@code "org.apache.zookeeper.Op"}), from
 * every jar or directory of the class path that holds them (a jar is found through its folder entries,
 * which Maven's jars carry). A node that has never been main loads some 350 classes between taking the store lock and
 * answering its first request as main (the takeover, the main's actors, their routes): tens of
 * milliseconds of a handover that a standby can spend at start-up instead. Static initializers of the
 * packages named here are side-effect free (constants and loggers), which is what makes initializing them
 * early safe.
 */
public final class ClassWarmUp {

  /** How many classes were initialized, and how many could not be (a missing optional dependency). */
  public record Loaded(int classes, int skipped) {}

  private ClassWarmUp() {}

  public static Loaded run(ClassLoader loader, List<String> prefixes) {
    List<String> names = new ArrayList<>();
    try {
      for (String prefix : prefixes) {
        String path = prefix.replace('.', '/');
        String folder = path.substring(0, path.lastIndexOf('/'));
        for (URL root : Collections.list(loader.getResources(folder))) {
          classNames(root, folder).stream().filter(name -> name.startsWith(prefix)).forEach(names::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int skipped = 0;
    for (String name : names) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        skipped++;
      }
    }
    return new Loaded(names.size() - skipped, skipped);
  }

  private static List<String> classNames(URL root, String folder) throws IOException {
    if ("jar".equals(root.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) root.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        return jar.stream()
            .map(JarEntry::getName)
            .filter(entry -> entry.startsWith(folder + "/") && isClass(entry))
            .map(ClassWarmUp::className)
            .toList();
      }
    }
    if ("file".equals(root.getProtocol())) {
      Path base;
      try {
        base = Path.of(root.toURI());
      } catch (URISyntaxException e) {
        throw new IOException("not a directory URL: " + root, e);
      }
      Path classesRoot = base;
      for (int i = 0; i < folder.split("/").length; i++) {
        classesRoot = classesRoot.getParent();
      }
      Path top = classesRoot;
      try (Stream<Path> files = Files.walk(base)) {
        return files
            .map(file -> top.relativize(file).toString().replace('\\', '/'))
            .filter(ClassWarmUp::isClass)
            .map(ClassWarmUp::className)
            .toList();
      }
    }
    return List.of();
  }

  private static boolean isClass(String entry) {
    return entry.endsWith(".class") && !entry.endsWith("module-info.class") && !entry.endsWith("package-info.class");
  }

  private static String className(String entry) {
    return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
  }
}
