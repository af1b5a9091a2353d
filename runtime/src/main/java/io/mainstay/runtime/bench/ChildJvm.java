package io.mainstay.runtime.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One incarnation of a Java main class in its own JVM: the java of this JVM, the same classpath, stdout
 * and stderr appended to a log file. To restart, launch a new one on the same log file; a header line
 * separates the incarnations.
 */
final class ChildJvm {

  /** Called with every line the child prints, and the {@link System#nanoTime()} it was read at. */
  interface LineListener {
    void onLine(String line, long nanoTime);
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildJvm(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code mainClass}; returns at once. With a {@code listener}, the output goes through a reader
   * thread of this process (which also appends it to the log file), so lines are seen as they are printed.
   */
  static ChildJvm start(
      String name,
      Path logFile,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      LineListener listener) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.writeString(
          logFile,
          "--- " + LocalDateTime.now() + " starting " + name + ": " + mainClass + " " + String.join(" ", args) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(logFile.toAbsolutePath().getParent().toFile()).redirectErrorStream(true);
      if (listener == null) {
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      }
      Process process = builder.start();
      ChildJvm child = new ChildJvm(name, process, logFile);
      if (listener != null) {
        child.startReader(listener);
      }
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  private void startReader(LineListener listener) throws IOException {
    OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Thread reader =
        new Thread(
            () -> {
              try (log;
                  BufferedReader lines =
                      new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  long at = System.nanoTime();
                  listener.onLine(line, at);
                  log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                  log.flush();
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "bench-output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  /** The exit code; only once the process has ended. */
  int exitCode() {
    return process.exitValue();
  }

  /** SIGKILL, as {@code kill -9}; returns at once. */
  void kill9() {
    process.destroyForcibly();
  }

  /** SIGTERM, what {@code bin/mainstay stop} sends; returns at once. */
  void sigterm() {
    process.destroy();
  }

  /** The exit code, or empty if the process still runs after {@code timeout}. */
  java.util.OptionalInt waitForExit(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return java.util.OptionalInt.of(process.exitValue());
    }
    return java.util.OptionalInt.empty();
  }

  /** SIGKILL if still running, and waits (bounded) until the process is gone. */
  void destroy() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code count} lines of the log file (all incarnations), for error messages. */
  String tail(int count) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException e) {
      return "(could not read " + logFile + ": " + e + ")";
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
