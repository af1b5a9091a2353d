package io.mainstay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/mainstay-local-cluster run from the build tree as an operator runs it: a real cluster on free
 * loopback ports in a temporary work dir, one executor, and afterwards no process of it left.
 */
class LocalClusterScriptIT {

  private static final Path HOME = Path.of(System.getProperty("mainstay.home")).toAbsolutePath().normalize();
  private static final Path SCRIPT = HOME.resolve("bin/mainstay-local-cluster");
  // Whole cluster starts (three JVMs one after the other) on a busy two-core machine.
  private static final Duration COMMAND = Duration.ofMinutes(4);
  private static final Pattern NEW_MAIN = Pattern.compile("local-cluster: new main: (coord-\\d) \\(epoch (\\d+)\\) after [0-9.]+ s");

  @TempDir
  Path tmp;
  private Path work;
  private final Map<String, String> env = new HashMap<>();

  /** One run of the script. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  @BeforeEach
  void workDir() {
    work = tmp.resolve("cluster");
    env.put("MAINSTAY_LOCAL_CLUSTER_DIR", work.toString());
    env.put("MAINSTAY_LOCAL_ZK_PORT", Integer.toString(Loopback.freePort()));
    env.put("MAINSTAY_LOCAL_WEB_PORT", Integer.toString(Loopback.freeRange(2)));
    // Short enough for a quick failover, long enough that a stalled JVM on a busy machine keeps its session.
    env.put("MAINSTAY_LOCAL_SESSION_MS", "4000");
    env.put("MAINSTAY_LOCAL_EXECUTORS", "1");
  }

  @AfterEach
  void nothingLeft() {
    try {
      if (Files.exists(work)) {
        System.out.println(run("down"));
      }
    } finally {
      List<ProcessHandle> left = processesOf(work);
      left.forEach(ProcessHandle::destroyForcibly);
      assertTrue(left.isEmpty(), "processes of " + work + " survived: " + left.stream().map(ProcessHandle::pid).toList());
    }
  }

  @Test
  void upStatusKillMainUpDown() {
    Run up = run("up");
    assertEquals(0, up.exitCode(), up::toString);
    String firstMain = awaitMain();

    Run status = run("status");
    assertEquals(0, status.exitCode(), status::toString);
    assertTrue(status.out().contains("local-cluster: main: " + firstMain + " (epoch "), status::toString);

    Run kill = run("kill-main", "--wait");
    assertEquals(0, kill.exitCode(), kill::toString);
    Matcher newMain = NEW_MAIN.matcher(kill.out());
    assertTrue(newMain.find(), kill::toString);
    assertFalse(newMain.group(1).equals(firstMain), kill::toString);

    Run again = run("up");
    assertEquals(0, again.exitCode(), again::toString);
    Await.until(firstMain + " back as a standby", Await.GENEROUS,
        () -> Ping.STANDBY.equals(ping(firstMain).role()));
    Run byHand = mainstay(firstMain, "status");
    assertEquals(0, byHand.exitCode(), byHand::toString);
    assertTrue(byHand.out().contains("role: standby"), byHand::toString);

    Run down = run("down", "--purge");
    assertEquals(0, down.exitCode(), down::toString);
    assertFalse(Files.exists(work), down::toString);
    assertEquals(List.of(), processesOf(work), "processes left after down --purge");
  }

  @Test
  void unknownVerbIsAUsageError() {
    Run run = run("sideways");
    assertEquals(64, run.exitCode(), run::toString);
    assertTrue(run.err().startsWith("Usage: mainstay-local-cluster "), run::toString);
  }

  @Test
  void statusWithoutAClusterIs2() {
    Run run = run("status");
    assertEquals(2, run.exitCode(), run::toString);
    assertTrue(run.out().startsWith("local-cluster: no local cluster in " + work), run::toString);
  }

  @Test
  void nonNumericExecutorsIsOneClearLine() {
    env.put("MAINSTAY_LOCAL_EXECUTORS", "two");
    Run run = run("up");
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("local-cluster: MAINSTAY_LOCAL_EXECUTORS must be a whole number, got 'two'\n", run.err(), run::toString);
    assertFalse(Files.exists(work), "up made a work dir despite a bad setting");
  }

  private String awaitMain() {
    return Await.value("a coordinator to answer /ping as main", Await.GENEROUS,
        () -> List.of("coord-1", "coord-2").stream().filter(node -> ping(node).isMain()).findFirst().orElse(null));
  }

  private Ping ping(String coordinator) {
    int port = Integer.parseInt(env.get("MAINSTAY_LOCAL_WEB_PORT")) + (coordinator.equals("coord-1") ? 0 : 1);
    return Ping.of(new NodeHttp("http://" + Loopback.HOST + ":" + port).ping());
  }

  private Run run(String... args) {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    return exec(command, env);
  }

  /** bin/mainstay on a node of the work dir, as the script's --help tells an operator to run it. */
  private Run mainstay(String node, String verb) {
    Map<String, String> vars = Map.of("MAINSTAY_PID_DIR", work.resolve("run").toString(),
        "MAINSTAY_LOG_DIR", work.resolve("log").toString());
    return exec(List.of(HOME.resolve("bin/mainstay").toString(), "--conf", work.resolve("nodes").resolve(node).toString(), verb), vars);
  }

  private Run exec(List<String> command, Map<String, String> vars) {
    try {
      Path out = Files.createTempFile(tmp, "out", ".txt");
      Path err = Files.createTempFile(tmp, "err", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(vars);
      Process process = builder.start();
      if (!process.waitFor(COMMAND.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " still running after " + COMMAND.toMinutes() + " min");
      }
      Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
      System.out.println("$ " + String.join(" ", command) + "\n" + run);
      return run;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /** Every process with the work dir on its command line (from /proc: ProcessHandle cuts it at 4 kB). */
  private static List<ProcessHandle> processesOf(Path work) {
    return ProcessHandle.allProcesses().filter(process -> {
      try {
        byte[] line = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        return new String(line, StandardCharsets.UTF_8).contains(work.toString());
      } catch (IOException e) {
        return false;
      }
    }).toList();
  }
}
