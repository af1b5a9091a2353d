package io.mainstay.testkit.zookeeper;

import io.mainstay.testkit.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
      Directories.delete(dir);
    }
  }

}
