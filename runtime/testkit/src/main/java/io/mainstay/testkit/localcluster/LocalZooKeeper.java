package io.mainstay.testkit.localcluster;

import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.zookeeper.ZooKeeperConfig;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The local cluster's external ZooKeeper: a {@link ZooKeeperProcess} launched detached, so it outlives
 * the command that started it; later commands find it by its pid file, run/zookeeper.pid.
 */
final class LocalZooKeeper {

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  // ZooKeeper's own log at INFO; without a configuration logback logs everything at DEBUG.
  private static final String LOGBACK = "io/mainstay/testkit/localcluster/zookeeper-logback.xml";

  private final WorkDir work;
  private final int port;

  LocalZooKeeper(WorkDir work, int port) {
    this.work = work;
    this.port = port;
  }

  int port() {
    return port;
  }

  String connectString() {
    return Loopback.HOST + ":" + port;
  }

  /** Our server, if it runs: the pid file's process runs QuorumPeerMain on our zoo.cfg. */
  Optional<ProcessHandle> process() {
    return pidFile().process(List.of(ZooKeeperProcess.MAIN_CLASS, work.zooKeeper().resolve("zoo.cfg").toString()));
  }

  /** The answer to {@code ruok} ({@code imok} when it serves), or why there is none. */
  String ruok() {
    try {
      String answer = ZooKeeperProcess.fourLetterWord(port, "ruok");
      return answer.isEmpty() ? "no answer" : answer;
    } catch (UncheckedIOException e) {
      return "no answer";
    }
  }

  /** Starts the server (zoo.cfg written by {@link ZooKeeperConfig}) and waits until it serves clients. */
  void start(Consumer<String> say) {
    // Someone else's server on our port would make ours fail to bind, and the nodes would use theirs.
    if ("imok".equals(ruok())) {
      throw new LocalClusterException("port " + port + " already answers as a ZooKeeper that this script did not"
          + " start; stop it or set " + LocalClusterSettings.ZK_PORT);
    }
    pidFile().delete();
    ZooKeeperProcess zk = ZooKeeperProcess.standalone(work.zooKeeper(), port, List.of("-Dlogback.configurationFile=" + LOGBACK))
        .logTo(work.log().resolve("zookeeper.log"))
        .detached(work.run().resolve("zookeeper.pid"));
    try {
      zk.start();
    } catch (AssertionError e) {
      pidFile().delete();
      throw new LocalClusterException("ZooKeeper did not start: " + e.getMessage());
    }
    say.accept("ZooKeeper (pid " + zk.process().pid() + ") serves on " + connectString() + ", log " + zk.logFile());
  }

  /** SIGTERM, then SIGKILL once {@link #STOP_TIMEOUT} passed; fails only if it survives SIGKILL. */
  void stop(Consumer<String> say) {
    Optional<ProcessHandle> running = process();
    if (running.isEmpty()) {
      say.accept("ZooKeeper is not running");
      pidFile().delete();
      return;
    }
    ProcessHandle zk = running.get();
    say.accept("stopping ZooKeeper (pid " + zk.pid() + "): SIGTERM, SIGKILL after " + STOP_TIMEOUT.toSeconds() + "s");
    zk.destroy();
    if (!exited(zk, STOP_TIMEOUT)) {
      say.accept("ZooKeeper still running after " + STOP_TIMEOUT.toSeconds() + "s; sending SIGKILL");
      zk.destroyForcibly();
      if (!exited(zk, STOP_TIMEOUT)) {
        throw new LocalClusterException("ZooKeeper (pid " + zk.pid() + ") survived SIGKILL");
      }
    }
    pidFile().delete();
    say.accept("ZooKeeper stopped");
  }

  private static boolean exited(ProcessHandle process, Duration deadline) {
    CompletableFuture<ProcessHandle> exit = process.onExit();
    try {
      exit.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private PidFile pidFile() {
    return new PidFile(work.run().resolve("zookeeper.pid"));
  }
}
