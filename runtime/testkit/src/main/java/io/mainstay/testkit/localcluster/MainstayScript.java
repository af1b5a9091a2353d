package io.mainstay.testkit.localcluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes are started, stopped and inspected by {@code bin/mainstay --conf <work>/nodes/<node>}, with the
 * work dir's run/ and log/ as MAINSTAY_PID_DIR and MAINSTAY_LOG_DIR: so their pid, url and log files are
 * exactly bin/mainstay's, and an operator can run bin/mainstay on them by hand with the same variables.
 */
final class MainstayScript {

  static final String NODE_MAIN_CLASS = "io.mainstay.runtime.MainstayNode";

  private final Path script;
  private final WorkDir work;

  MainstayScript(Path mainstayHome, WorkDir work) {
    this.script = mainstayHome.resolve("bin").resolve("mainstay");
    this.work = work;
  }

  /** The command an operator runs for the same effect, for the hints the commands print. */
  String byHand(String node, String verb) {
    return "MAINSTAY_PID_DIR=" + work.run() + " MAINSTAY_LOG_DIR=" + work.log() + " " + script
        + " --conf " + work.node(node) + " " + verb;
  }

  /** Runs {@code bin/mainstay --conf <node> verb}, its output shown; returns its exit code. */
  int run(String node, String verb) {
    return run(node, verb, ProcessBuilder.Redirect.INHERIT);
  }

  /** Whether bin/mainstay status says the node runs. */
  boolean isRunning(String node) {
    return run(node, "status", ProcessBuilder.Redirect.DISCARD) == 0;
  }

  /** The running node's process, checked as bin/mainstay checks it (its command line names the instance). */
  Optional<ProcessHandle> process(String node) {
    return new PidFile(work.pidFile(node))
        .process(List.of(NODE_MAIN_CLASS, "-Dmainstay.instance=" + NodeName.instance(node) + " "));
  }

  private int run(String node, String verb, ProcessBuilder.Redirect output) {
    ProcessBuilder builder = new ProcessBuilder(script.toString(), "--conf", work.node(node).toString(), verb)
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(output)
        .redirectError(output);
    Map<String, String> env = builder.environment();
    env.put("MAINSTAY_PID_DIR", work.run().toString());
    env.put("MAINSTAY_LOG_DIR", work.log().toString());
    // From the caller's shell these would make every node the same instance.
    env.remove("MAINSTAY_INSTANCE");
    env.remove("MAINSTAY_CONF_DIR");
    try {
      return builder.start().waitFor();
    } catch (IOException e) {
      throw new LocalClusterException("cannot run " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalClusterException("interrupted while running " + script + " " + verb);
    }
  }
}
