package io.mainstay.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paths.local} as the node prepares it at start-up: read from the configuration, then made a writable directory. */
class LocalPathTest {

  @TempDir
  Path tmp;

  /** What {@code MainstayNode} does before it binds any port. */
  private Path prepare(String pathsLocal) throws ConfigProblem {
    Path dir = NodeConfigLoader.parse("paths.local: \"" + pathsLocal + "\"", tmp).config().localPath();
    LocalPath.prepare(dir);
    return dir;
  }

  private ConfigProblem problem(String pathsLocal) {
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> prepare(pathsLocal));
    assertEquals("paths.local", p.key());
    assertFalse(p.getMessage().contains("\n"), p.getMessage());
    assertTrue(p.getMessage().startsWith("paths.local: "), p.getMessage());
    return p;
  }

  private static void assertContains(String haystack, String needle) {
    assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in: " + haystack);
  }

  @Test
  void aMissingDirectoryIsCreatedAndTheWriteProbeDeleted() throws Exception {
    Path dir = prepare("./a/../data/node1");
    assertEquals(tmp.resolve("data/node1"), dir);
    assertTrue(Files.isDirectory(dir));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "the write probe is deleted");
    }
  }

  @Test
  void anExistingDirectoryIsKept() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("existing"));
    Files.writeString(dir.resolve("kept"), "x");
    assertEquals(dir, prepare(dir.toString()));
    assertTrue(Files.exists(dir.resolve("kept")));
  }

  @Test
  void localPathThatIsAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    assertContains(problem(file.toString()).getMessage(), file + " exists but is not a directory");
  }

  @Test
  void localPathThatCannotBeCreated() throws Exception {
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    assertContains(problem(file.resolve("sub").toString()).getMessage(), "cannot create directory " + file.resolve("sub"));
  }

  @Test
  void localPathThatIsNotWritable() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("readonly"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Path target = dir;
      if (canWrite(dir)) {
        // root writes anywhere; /proc is a directory nobody can create files in
        target = Path.of("/proc");
        assumeTrue(Files.isDirectory(target) && !canWrite(target), "no unwritable directory available");
      }
      assertContains(problem(target.toString()).getMessage(), "directory " + target + " is not writable");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static boolean canWrite(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
