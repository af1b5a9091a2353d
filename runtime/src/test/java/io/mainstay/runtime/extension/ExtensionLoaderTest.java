package io.mainstay.runtime.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.catalog.CatalogExtension;
import io.mainstay.actors.probe.ProbeExtension;
import io.mainstay.sql.SqlExtension;
import io.mainstay.extension.Extension;
import io.mainstay.testkit.node.ServiceJar;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery over jars that hold only a service file: the classes themselves come from this test's class
 * path, so each case is one jar and the providers it names.
 */
class ExtensionLoaderTest {

  @TempDir
  Path tmp;

  public static final class Alpha implements Extension {
    @Override
    public String name() {
      return "alpha";
    }
  }

  public static final class Beta implements Extension {
    @Override
    public String name() {
      return "beta";
    }
  }

  public static final class BadName implements Extension {
    @Override
    public String name() {
      return "Bad_Name";
    }
  }

  public static final class ThrowsInConstructor implements Extension {
    public ThrowsInConstructor() {
      throw new IllegalStateException("no config for me");
    }

    @Override
    public String name() {
      return "thrower";
    }
  }

  @Test
  void findsTheExtensionsOfLibExtAndTheOperatorsDirectory() throws Exception {
    Path libExt = jar("lib-ext", "a.jar", Alpha.class);
    Path operator = jar("operator", "b.jar", Beta.class);
    ExtensionLoader.Found found = load(Optional.of(libExt), Optional.of(operator), Set.of());
    assertEquals(List.of(CatalogExtension.NAME, ProbeExtension.NAME, SqlExtension.NAME, "alpha", "beta"), names(found), "the built-ins first, from the class path");
    assertTrue(found.classLoader() != getClass().getClassLoader(), "a loader over the jars, for Pekko to deserialize with");
  }

  @Test
  void everyShippedDirectoryIsReadAndAMissingOneIsNone() throws Exception {
    Path libExt = jar("lib-ext", "a.jar", Alpha.class);
    Path examples = jar("lib-examples", "b.jar", Beta.class);
    ExtensionLoader.Found found = ExtensionLoader.load(
        getClass().getClassLoader(), List.of(libExt, tmp.resolve("no-such-dir"), examples), Optional.empty(), Set.of());
    assertEquals(List.of(CatalogExtension.NAME, ProbeExtension.NAME, SqlExtension.NAME, "alpha", "beta"), names(found));
  }

  @Test
  void noJarsMeansTheClassPathAlone() throws Exception {
    ExtensionLoader.Found found = load(Optional.of(tmp.resolve("missing-lib-ext")), Optional.empty(), Set.of());
    assertEquals(List.of(CatalogExtension.NAME, ProbeExtension.NAME, SqlExtension.NAME), names(found));
    assertEquals(getClass().getClassLoader(), found.classLoader());
  }

  @Test
  void aDisabledExtensionIsFoundButNotStarted() throws Exception {
    Path dir = jar("operator", "ab.jar", Alpha.class, Beta.class);
    assertEquals(List.of("beta"), names(load(Optional.empty(), Optional.of(dir), Set.of("alpha", "gamma", CatalogExtension.NAME, ProbeExtension.NAME, SqlExtension.NAME))));
  }

  @Test
  void aMissingOperatorDirectoryIsNamed() {
    Path missing = tmp.resolve("nowhere");
    String problem = problem(Optional.empty(), Optional.of(missing));
    assertEquals("extensions.dir " + missing + " is not a readable directory", problem);
  }

  @Test
  void aClassThatIsNotThereIsNamedWithItsJar() throws Exception {
    Path dir = jarNaming("operator", "broken.jar", "io.example.Missing");
    String problem = problem(Optional.empty(), Optional.of(dir));
    assertTrue(problem.contains("io.example.Missing"), problem);
    assertTrue(problem.contains(dir.resolve("broken.jar").toString()), problem);
  }

  @Test
  void aConstructorThatThrowsIsNamed() throws Exception {
    Path dir = jar("operator", "thrower.jar", ThrowsInConstructor.class);
    String problem = problem(Optional.empty(), Optional.of(dir));
    assertTrue(problem.contains(ThrowsInConstructor.class.getName()), problem);
    assertTrue(problem.contains("cannot be created"), problem);
    assertTrue(problem.contains("no config for me"), problem);
  }

  @Test
  void aBadNameIsRefused() throws Exception {
    String problem = problem(Optional.empty(), Optional.of(jar("operator", "bad.jar", BadName.class)));
    assertTrue(problem.contains("has the name 'Bad_Name'"), problem);
  }

  @Test
  void oneExtensionInTwoJarsIsRefused() throws Exception {
    Path libExt = jar("lib-ext", "a.jar", Alpha.class);
    Path operator = jar("operator", "a-again.jar", Alpha.class);
    String problem = problem(Optional.of(libExt), Optional.of(operator));
    assertTrue(problem.contains(Alpha.class.getName() + " is declared in more than one jar"), problem);
    assertTrue(problem.contains(libExt.resolve("a.jar") + ", " + operator.resolve("a-again.jar")), problem);
  }

  private ExtensionLoader.Found load(Optional<Path> libExt, Optional<Path> operator, Set<String> disabled) throws Exception {
    return ExtensionLoader.load(getClass().getClassLoader(), libExt.stream().toList(), operator, disabled);
  }

  private String problem(Optional<Path> libExt, Optional<Path> operator) {
    String message = assertThrows(ExtensionLoader.ExtensionProblem.class, () -> load(libExt, operator, Set.of())).getMessage();
    assertFalse(message.contains("\n"), "one line: " + message);
    return message;
  }

  private static List<String> names(ExtensionLoader.Found found) {
    return found.extensions().stream().map(loaded -> loaded.extension().name()).toList();
  }

  private Path jar(String dirName, String jarName, Class<?>... providers) {
    return jarNaming(dirName, jarName, Arrays.stream(providers).map(Class::getName).toArray(String[]::new));
  }

  /** {@code tmp/dirName/jarName} naming {@code classNames}; returns the directory. */
  private Path jarNaming(String dirName, String jarName, String... classNames) {
    return ServiceJar.write(tmp.resolve(dirName).resolve(jarName), List.of(classNames)).getParent();
  }
}
