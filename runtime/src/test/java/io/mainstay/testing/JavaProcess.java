package io.mainstay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class running in a child JVM on the test classpath, its stdout and stderr appended
 * to a log file. Every instance is registered with {@link ManagedProcesses}.
 *
 * <p>One instance is one incarnation: to restart, start a new one on the same log file.
 * {@link #log()} only returns what this incarnation wrote.
 */
public final class JavaProcess {

  // lmdbjava needs the opens; the rest keeps several JVMs small and quick to start on two cores.
  private static final List<String> BASE_OPTIONS = List.of(
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private static final int TAIL_LINES = 40;

  private final String name;
  private final Process process;
  private final Path logFile;
  private final long logStart;

  private JavaProcess(String name, Process process, Path logFile, long logStart) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.logStart = logStart;
  }

  /**
   * Launches {@code mainClass} with {@code args}; returns at once. The working directory is the
   * log file's directory.
   */
  public static JavaProcess start(
      String name, Path logFile, List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(BASE_OPTIONS);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      // A header separates incarnations when a restart appends to the same file.
      Files.writeString(logFile,
          "--- " + Instant.now() + " starting " + name + ": " + mainClass + " " + String.join(" ", args) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      long logStart = Files.size(logFile);
      Process process = new ProcessBuilder(command)
          .directory(logFile.toAbsolutePath().getParent().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
      ManagedProcesses.register(process);
      return new JavaProcess(name, process, logFile, logStart);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  /** SIGKILL; returns once the process is gone. */
  public void kill9() {
    process.destroyForcibly();
    waitForExit(Await.GENEROUS);
  }

  /** SIGTERM; returns at once, see {@link #waitForExit(Duration)}. */
  public void sigterm() {
    process.destroy();
  }

  /** Freezes the process: it keeps its sockets and ZooKeeper session but answers nothing. */
  public void sigstop() {
    signal("STOP");
  }

  public void sigcont() {
    signal("CONT");
  }

  /** Waits for the process to end and returns its exit code; fails if it is still running at the deadline. */
  public int waitForExit(Duration deadline) {
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + deadline.toSeconds() + " s" + lastLines());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
    }
  }

  /** What this incarnation has written to stdout and stderr so far. */
  public String log() {
    try {
      byte[] bytes = Files.readAllBytes(logFile);
      return new String(bytes, (int) logStart, bytes.length - (int) logStart, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void awaitLog(String text, Duration deadline) {
    awaitWhileRunning("log of " + name + " to contain '" + text + "'", deadline, () -> log().contains(text));
  }

  /**
   * Waits like {@link Await#until} but fails as soon as the process exits without the condition
   * holding, rather than at the deadline: a crashed process will not recover.
   */
  public void awaitWhileRunning(String what, Duration deadline, Callable<Boolean> condition) {
    boolean held = Await.value(what + " (log: " + logFile + ")", deadline, () -> {
      // Sampled before the condition, so whatever a dying process did last still counts.
      boolean alive = process.isAlive();
      if (Boolean.TRUE.equals(condition.call())) {
        return true;
      }
      return alive ? null : false;
    });
    if (!held) {
      throw new AssertionError(name + " exited with code " + process.exitValue() + " before " + what + lastLines());
    }
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
          .redirectErrorStream(true)
          .start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " (" + name + ") failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + name, e);
    }
  }

  private String lastLines() {
    List<String> lines = log().lines().toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    return "\n--- last lines of " + logFile + " ---\n" + String.join("\n", tail);
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
