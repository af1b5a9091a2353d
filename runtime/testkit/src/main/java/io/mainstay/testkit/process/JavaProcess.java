package io.mainstay.testkit.process;

import io.mainstay.testkit.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * One incarnation of a Java main class in its own JVM, its stdout and stderr appended to a log file;
 * to restart, launch a new one on the same log file ({@link #log()} returns only what this incarnation
 * wrote). Started through {@link #launch}: by default the process is <em>owned</em> by this JVM, i.e.
 * registered with {@link ManagedProcesses}, so it never outlives its test or tool; a
 * {@link Launch#detached detached} one outlives this JVM, for a command that starts a cluster and exits.
 */
public final class JavaProcess {

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** Called with every line the child prints, and the {@link System#nanoTime()} it was read at. */
  public interface LineListener {
    void onLine(String line, long nanoTime);

    /** After the last line: the child's output has ended. */
    default void onEnd() {}
  }

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

  /** What to launch; {@link Launch#start()} launches it. */
  public static Launch launch(String name, String mainClass) {
    return new Launch(name, mainClass);
  }

  /** How to launch one child JVM; every JVM gets {@link Jvm#ADD_OPENS} before its own options. */
  public static final class Launch {
    private final String name;
    private final String mainClass;
    private Path logFile;
    private List<String> jvmOptions = List.of();
    private String classpath = Jvm.classpath();
    private List<String> args = List.of();
    private LineListener listener;
    private Path pidFile;

    private Launch(String name, String mainClass) {
      this.name = name;
      this.mainClass = mainClass;
    }

    /** Required: where stdout and stderr go; its directory is the working directory. */
    public Launch logFile(Path file) {
      this.logFile = file;
      return this;
    }

    public Launch jvmOptions(List<String> options) {
      this.jvmOptions = List.copyOf(options);
      return this;
    }

    /** Default: this JVM's classpath. */
    public Launch classpath(String path) {
      this.classpath = path;
      return this;
    }

    public Launch args(List<String> arguments) {
      this.args = List.copyOf(arguments);
      return this;
    }

    /**
     * Sends the output through a reader thread of this JVM (which also appends it to the log file), so
     * {@code lines} sees each line as it is printed. Only for owned processes: the reader dies with us.
     */
    public Launch onLine(LineListener lines) {
      this.listener = lines;
      return this;
    }

    /**
     * Not owned: the process outlives this JVM. Its stdin is /dev/null (an owned child's stdin is a pipe
     * from us, which closes when we exit) and its pid is written to {@code pidFile}.
     */
    public Launch detached(Path pidFile) {
      this.pidFile = pidFile;
      return this;
    }

    /** Launches the JVM; returns at once. */
    public JavaProcess start() {
      if (logFile == null) {
        throw new IllegalStateException(name + ": no log file");
      }
      if (pidFile != null && listener != null) {
        throw new IllegalStateException(name + ": a detached process cannot be read line by line");
      }
      List<String> command = new ArrayList<>();
      if (pidFile != null && Files.isExecutable(SETSID)) {
        // its own session, as nohup gave the old script's: closing the terminal does not hang it up; setsid
        // execs in place (the child is no group leader), so the pid stays the JVM's
        command.add(SETSID.toString());
      }
      command.add(Jvm.java());
      command.addAll(Jvm.ADD_OPENS);
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classpath);
      command.add(mainClass);
      command.addAll(args);
      Path dir = logFile.toAbsolutePath().getParent();
      try {
        Files.createDirectories(dir);
        // A header separates incarnations when a restart appends to the same file.
        Files.writeString(logFile,
            "--- " + Instant.now() + " starting " + name + ": " + mainClass + " " + String.join(" ", args) + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long logStart = Files.size(logFile);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (listener == null) {
          builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        }
        if (pidFile != null) {
          builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = builder.start();
        if (pidFile == null) {
          ManagedProcesses.register(process);
        } else {
          Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
        }
        JavaProcess child = new JavaProcess(name, process, logFile, logStart);
        if (listener != null) {
          child.startReader(listener);
        }
        return child;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + name, e);
      }
    }
  }

  private void startReader(LineListener listener) throws IOException {
    OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Thread reader = new Thread(() -> {
      try (log; BufferedReader lines =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          listener.onLine(line, System.nanoTime());
          log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          log.flush();
        }
      } catch (IOException e) {
        // the stream breaks when the child is killed: its output has ended all the same
      } finally {
        listener.onEnd();
      }
    }, "output-of-" + name);
    reader.setDaemon(true);
    reader.start();
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
    OptionalInt code = exitCodeWithin(deadline);
    if (code.isEmpty()) {
      throw new AssertionError(name + " still running after " + deadline.toSeconds() + " s" + lastLines());
    }
    return code.getAsInt();
  }

  /** The exit code once the process has ended, or empty if it still runs after {@code deadline}. */
  public OptionalInt exitCodeWithin(Duration deadline) {
    try {
      return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)
          ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
    }
  }

  /** The exit code; only once the process has ended. */
  public int exitCode() {
    return process.exitValue();
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

  /** The last lines of this incarnation's output, headed by the log file's name: for failure messages. */
  public String lastLines() {
    List<String> lines = log().lines().toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    return "\n--- last lines of " + logFile + " ---\n" + String.join("\n", tail);
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + ")";
  }
}
