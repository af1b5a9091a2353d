package io.mainstay.bench;

import io.mainstay.testkit.Directories;
import io.mainstay.testkit.process.ManagedProcesses;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How every benchmark command ends: a bad command line prints why and the usage (exit 64); a run gets its own
 * work directory, every process it started is killed whatever happens, the directory is deleted unless kept,
 * and the run's code (1 for an error) is the exit code.
 */
final class BenchRun {

  interface Body {
    int run(Path workDir) throws Exception;
  }

  private BenchRun() {}

  static void usage(BenchOptions.UsageException e, String usage) {
    System.err.println("mainstay-bench: " + e.getMessage());
    System.err.println(usage);
    System.exit(64);
  }

  static void exit(String name, boolean keep, Body body) throws Exception {
    Path workDir = Files.createTempDirectory("mainstay-bench-" + name + "-");
    int code;
    try {
      code = body.run(workDir);
    } catch (Exception | AssertionError e) {
      System.err.println("mainstay-bench: " + e.getMessage());
      code = 1;
    } finally {
      ManagedProcesses.killAll();
      if (keep) {
        System.err.println("mainstay-bench: kept " + workDir);
      } else {
        Directories.delete(workDir);
      }
    }
    System.exit(code);
  }
}
