package io.mainstay.sql.duckdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DuckDB's JDBC driver unpacks its 18 MB native library into the temporary directory and deletes it only when
 * the JVM exits normally; a node that ends by halt or kill (as nodes do) would leave one copy per start. Once
 * the library is loaded its file is no longer needed (the mapping outlives the name), so this process's own
 * copy, found in {@code /proc/self/maps}, is removed right away. Elsewhere than Linux nothing is done.
 */
final class NativeCopy {

  private static final Logger log = LoggerFactory.getLogger(NativeCopy.class);
  private static final Path MAPS = Path.of("/proc/self/maps");
  private static final AtomicBoolean DONE = new AtomicBoolean();

  private NativeCopy() {}

  static void unlinkOnce() {
    if (!DONE.compareAndSet(false, true) || !Files.isReadable(MAPS)) {
      return;
    }
    try {
      mapped().ifPresent(copy -> {
        try {
          Files.deleteIfExists(copy);
        } catch (IOException e) {
          log.debug("DuckDB's native library copy {} stays: {}", copy, e.toString());
        }
      });
    } catch (IOException e) {
      log.debug("cannot read {}: {}", MAPS, e.toString());
    }
  }

  /** The unpacked copy this process mapped: a file named libduckdb_java*.so in the temporary directory. */
  private static Optional<Path> mapped() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    try (Stream<String> lines = Files.lines(MAPS)) {
      return lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
          .filter(name -> name.startsWith("/"))
          .map(Path::of)
          .filter(p -> tmp.equals(p.getParent()) && p.getFileName().toString().startsWith("libduckdb_java")
              && p.getFileName().toString().endsWith(".so"))
          .findFirst();
    }
  }
}
