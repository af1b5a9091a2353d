package io.mainstay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.Jvm;
import io.mainstay.testkit.process.LineQueue;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs: read line by line; frozen and left behind by a test, for the extension to kill; detached,
 * so not killed after its test, its pid in a file.
 */
@ExtendWith(ManagedProcesses.Extension.class)
class JavaProcessTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** Left running and frozen by a test, for the extension to clean up. */
  private static JavaProcess abandoned;
  /** Left running by a test: the extension must not have killed it. */
  private static long detachedPid;

  @Test
  void linesArriveAsPrintedAndTheLogKeepsThemAndTheExitCode() {
    LineQueue lines = new LineQueue();
    JavaProcess child = JavaProcess.launch("echo", Echo.class.getName())
        .logFile(dir.resolve("echo.log"))
        .jvmOptions(Jvm.QUICK_START)
        .args(List.of("one", "two"))
        .onLine(lines)
        .start();

    assertEquals("two", lines.awaitText(child, "two"::equals, Await.GENEROUS));
    assertEquals(7, child.waitForExit(Await.GENEROUS));
    assertTrue(child.log().contains("one\ntwo\n"), child.log());
  }

  @Test
  void leavesAFrozenProcessBehind() throws Exception {
    abandoned = sleeper().start();
    abandoned.awaitLog(Sleeper.READY, Await.GENEROUS);

    abandoned.sigstop();

    Await.until("sleeper to be stopped", Await.GENEROUS, () -> "T".equals(state(abandoned.pid())));
  }

  @Test
  void aDetachedProcessWritesItsPidAndOutlivesItsTest() throws Exception {
    Path pidFile = dir.resolve("sleeper.pid");
    JavaProcess sleeper = sleeper().detached(pidFile).start();
    sleeper.awaitLog(Sleeper.READY, Await.GENEROUS);

    detachedPid = sleeper.pid();
    assertEquals(Long.toString(sleeper.pid()), Files.readString(pidFile).trim());
  }

  @AfterAll
  static void theExtensionKilledTheFrozenProcessAfterItsTest() {
    assertNotNull(abandoned, "the test that leaves a process behind did not run");
    assertFalse(abandoned.isAlive(), abandoned + " outlived its test");
  }

  @AfterAll
  static void theDetachedProcessStillRuns() {
    Optional<ProcessHandle> detached = ProcessHandle.of(detachedPid);
    try {
      assertTrue(detached.map(ProcessHandle::isAlive).orElse(false), "the extension killed a detached process");
    } finally {
      detached.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private JavaProcess.Launch sleeper() {
    return JavaProcess.launch("sleeper", Sleeper.class.getName())
        .logFile(dir.resolve("sleeper.log"))
        .jvmOptions(Jvm.QUICK_START);
  }

  /** The scheduler state letter from /proc: R, S, T (stopped), ... */
  private static String state(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name in parentheses may contain spaces; the state follows the closing one.
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }

  /** A child JVM that does nothing until it is killed. */
  static final class Sleeper {
    static final String READY = "sleeping";

    public static void main(String[] args) throws InterruptedException {
      System.out.println(READY);
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** Prints its arguments, one a line, and exits 7. */
  static final class Echo {
    public static void main(String[] args) {
      for (String arg : args) {
        System.out.println(arg);
      }
      System.exit(7);
    }
  }
}
