package io.mainstay.sql.datasets;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directories datasets may live in ({@code paths.datasets}; an empty list means {@code
 * <paths.local>/datasets}), and the resolution of a dataset's location, a file, a directory or a glob, to
 * the files it names. A location is checked after symbolic links are resolved, so a link inside a root that
 * points outside it is refused like the path it points to.
 */
public final class DatasetRoots {

  public static final String KEY = "paths.datasets";

  private final List<Path> roots;

  DatasetRoots(List<Path> roots) {
    this.roots = List.copyOf(roots);
  }

  /** The roots from the node's configuration; each is created if missing, and kept as its real path. */
  public static DatasetRoots from(Config config) {
    Path local = Path.of(config.getString("paths.local"));
    List<String> configured = config.hasPath(KEY) ? config.getStringList(KEY) : List.of();
    List<Path> roots = new ArrayList<>();
    for (String raw : configured.isEmpty() ? List.of(local.resolve("datasets").toString()) : configured) {
      Path root = local.resolve(raw).toAbsolutePath().normalize();
      try {
        roots.add(Files.createDirectories(root).toRealPath());
      } catch (IOException e) {
        throw new UncheckedIOException(KEY + ": " + root + " is not a usable directory: " + e.getMessage(), e);
      }
    }
    return new DatasetRoots(roots);
  }

  public List<Path> roots() {
    return roots;
  }

  /**
   * The regular files {@code location} names, sorted: the file itself, every file under a directory (hidden
   * ones left out), or the files a glob in the last segments matches.
   *
   * @throws DatasetProblem when the location is not absolute, lies outside every root, or names no file
   */
  public List<Path> files(String location) {
    int glob = firstGlobCharacter(location);
    String fixed = glob < 0 ? location : location.substring(0, location.lastIndexOf('/', glob) + 1);
    Path base = Path.of(fixed.isEmpty() ? "." : fixed);
    if (!base.isAbsolute()) {
      throw new DatasetProblem("location must be an absolute path under " + KEY + " " + roots);
    }
    Path real;
    try {
      real = base.toRealPath();
    } catch (IOException e) {
      throw new DatasetProblem("location " + location + " does not exist");
    }
    if (roots.stream().noneMatch(real::startsWith)) {
      throw new DatasetProblem("location " + location + " is outside " + KEY + " " + roots);
    }
    List<Path> files;
    if (glob >= 0) {
      String pattern = real + location.substring(fixed.length() - (fixed.endsWith("/") ? 1 : 0));
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      files = walk(real).stream().filter(matcher::matches).toList();
    } else if (Files.isDirectory(real)) {
      files = walk(real);
    } else {
      files = List.of(real);
    }
    List<Path> checked = new ArrayList<>();
    for (Path file : files) {
      Path target = realPath(file);
      if (roots.stream().noneMatch(target::startsWith)) {
        throw new DatasetProblem("location " + location + " holds " + file + ", which leads outside " + KEY + " " + roots);
      }
      checked.add(target);
    }
    if (checked.isEmpty()) {
      throw new DatasetProblem("location " + location + " names no file");
    }
    return checked.stream().distinct().sorted().toList();
  }

  private static List<Path> walk(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !dir.relativize(p).toString().startsWith(".") && !p.getFileName().toString().startsWith("."))
          .toList();
    } catch (IOException e) {
      throw new DatasetProblem("location " + dir + " could not be listed: " + e.getMessage());
    }
  }

  private static Path realPath(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      throw new DatasetProblem(file + " could not be read: " + e.getMessage());
    }
  }

  private static int firstGlobCharacter(String location) {
    for (int i = 0; i < location.length(); i++) {
      if ("*?[{".indexOf(location.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
