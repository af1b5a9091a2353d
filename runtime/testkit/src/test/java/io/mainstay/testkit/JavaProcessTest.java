package io.mainstay.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** A child JVM read line by line, and one that is detached: not killed after its test, its pid in a file. */
@ExtendWith(ManagedProcesses.Extension.class)
class JavaProcessTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

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
  void aDetachedProcessWritesItsPidAndOutlivesItsTest() throws Exception {
    Path pidFile = dir.resolve("sleeper.pid");
    JavaProcess sleeper = JavaProcess.launch("sleeper", ZooKeeperHarnessTest.Sleeper.class.getName())
        .logFile(dir.resolve("sleeper.log"))
        .jvmOptions(Jvm.QUICK_START)
        .detached(pidFile)
        .start();
    sleeper.awaitLog(ZooKeeperHarnessTest.Sleeper.READY, Await.GENEROUS);

    detachedPid = sleeper.pid();
    assertEquals(Long.toString(sleeper.pid()), Files.readString(pidFile).trim());
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
