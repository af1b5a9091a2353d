package io.mainstay.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassWarmUpTest {

  /** A class whose initializer says it ran; it is loaded only through the warm-up's own class loader. */
  public static final class Marker {
    public static boolean initialized;

    static {
      initialized = true;
    }
  }

  @Test
  void initializesEveryClassUnderThePrefixFromADirectory() throws Exception {
    Path classes = Path.of(ClassWarmUpTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      ClassWarmUp.Loaded loaded = ClassWarmUp.run(loader, List.of("io.mainstay.actors.ClassWarmUpTest"));
      // the test class itself and its Marker; the junit types it refers to are not on this loader
      assertEquals(2, loaded.classes() + loaded.skipped());
      assertTrue(initialized(loader));
    }
  }

  @Test
  void readsJarsAndSkipsWhatCannotBeLinked(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("marker.jar");
    String entry = Marker.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        var bytes = ClassWarmUpTest.class.getClassLoader().getResourceAsStream(entry)) {
      // folders are found through their entries, which Maven's jars carry
      for (String folder : List.of("io/", "io/mainstay/", "io/mainstay/actors/")) {
        out.putNextEntry(new JarEntry(folder));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(entry));
      bytes.transferTo(out);
      out.closeEntry();
      // a class whose outer class is missing from the jar still loads; a broken file is skipped
      out.putNextEntry(new JarEntry("io/mainstay/actors/Broken.class"));
      out.write(new byte[] {1, 2, 3});
      out.closeEntry();
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      ClassWarmUp.Loaded loaded = ClassWarmUp.run(loader, List.of("io.mainstay."));
      assertEquals(new ClassWarmUp.Loaded(1, 1), loaded);
      assertTrue(initialized(loader));
    }
  }

  private static boolean initialized(ClassLoader loader) throws Exception {
    return loader.loadClass(Marker.class.getName()).getField("initialized").getBoolean(null);
  }
}
