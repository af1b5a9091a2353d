package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM running one of the test main classes, with this JVM's classpath and the LMDB --add-opens. Its stdout is
 * drained continuously into a queue, so the child never blocks on a full pipe; its stderr goes to a file that
 * failure messages quote.
 */
final class ChildJvm implements AutoCloseable {

  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final Path stderr;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private boolean ended;

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    Thread pump = new Thread(this::pump, "child-" + process.pid() + "-stdout");
    pump.setDaemon(true);
    pump.start();
  }

  static ChildJvm start(Path workDir, Class<?> mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens");
    command.add("java.base/java.nio=ALL-UNNAMED");
    command.add("--add-opens");
    command.add("java.base/sun.nio.ch=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile(workDir, mainClass.getSimpleName(), ".stderr");
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    return new ChildJvm(process, stderr);
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The stream breaks when the child is killed; the queue's end marker says so.
    } finally {
      lines.add(EOF);
    }
  }

  /** The next stdout line matching {@code wanted} (others are skipped); fails on timeout or once output ends. */
  String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = ended ? null : lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || EOF.equals(line)) {
        ended |= line != null;
        fail((ended ? "the child's output ended" : "no matching line from the child within " + timeout)
            + describe());
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL (destroyForcibly on Unix), then wait for the process to be gone; returns its exit code. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      fail("child " + process.pid() + " survived SIGKILL for 60 s");
    }
    return process.exitValue();
  }

  /** Kills the child if it still runs; for @AfterEach, so it never fails. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String describe() {
    String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
    String err;
    try {
      err = Files.readString(stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return " (child " + process.pid() + " " + state + "; stderr:\n" + err + ")";
  }
}
