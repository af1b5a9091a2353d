package io.mainstay.testkit.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One standalone {@link ZooKeeperProcess} for all the tests of a class:
 * {@code @RegisterExtension static final SharedZooKeeper zookeeper = new SharedZooKeeper();}.
 *
 * <p>It starts before the class's first test (and its {@code @BeforeAll} methods) in a temporary
 * directory of its own, and is killed -9 after the class. The directory, with the server's log, is
 * kept when a test or the class failed, so it can be read; otherwise it is deleted.
 */
public final class SharedZooKeeper implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private Path dir;
  private ZooKeeperProcess server;
  private boolean failed;

  /** The running server; only from the class's {@code @BeforeAll} methods on. */
  public ZooKeeperProcess server() {
    if (server == null) {
      throw new IllegalStateException("the shared ZooKeeper starts before the class: register it as a static field");
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("junit-" + context.getRequiredTestClass().getSimpleName() + "-");
    server = ZooKeeperProcess.standalone(dir.resolve("zookeeper")).start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    failed |= context.getExecutionException().isPresent();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null && server.isRunning()) {
      server.kill9();
    }
    if (dir == null) {
      return;
    }
    if (failed || context.getExecutionException().isPresent()) {
      System.err.println("kept for its log: the shared ZooKeeper's directory " + dir);
    } else {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
