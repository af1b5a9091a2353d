package io.mainstay.bench;

import java.nio.file.Path;
import java.time.Duration;

/** The command line of {@code mainstay-bench failover}. */
record BenchOptions(int rounds, int executors, Duration sessionTimeout, Path out, boolean keep) {

  static final String USAGE =
      String.join(
          "\n",
          "Usage: mainstay-bench failover [--rounds R] [--executors N] [--session-ms MS] [--out FILE] [--keep]",
          "",
          "Starts a local cluster on loopback (ZooKeeper, 2 master-eligible coordinators on one shared store,",
          "N executors), kills the main R times with kill -9 and stops it R times with SIGTERM, and measures",
          "from each fault to (a) a new main answering /ping 200, (b) every executor registered at the new",
          "epoch, (c) the first acknowledged catalog write. Also measures the floor (a bare Curator",
          "LeaderLatch pair, kill -9 of the leader), counts lost writes and double mains.",
          "",
          "  --rounds R       rounds of each mode and of the floor (default 10)",
          "  --executors N    executor-only nodes (default 2)",
          "  --session-ms MS  zk.client.session.timeout of every node and of the floor (default 2000)",
          "  --out FILE       also write the results as JSON to FILE",
          "  --keep           keep the work directory (configurations and logs of every process)",
          "  -h, --help       this text");

  /** Thrown for a command line that cannot be run; the message says why. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static BenchOptions parse(String[] args) throws UsageException {
    if (args.length == 0) {
      throw new UsageException("missing command: failover");
    }
    if (!args[0].equals("failover")) {
      throw new UsageException("unknown command: " + args[0] + " (the commands are failover, store and query)");
    }
    int rounds = 10;
    int executors = 2;
    long sessionMs = 2000;
    Path out = null;
    boolean keep = false;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--rounds" -> rounds = number(arg, value(args, ++i, arg), 1, 1000);
        case "--executors" -> executors = number(arg, value(args, ++i, arg), 1, 32);
        case "--session-ms" -> sessionMs = number(arg, value(args, ++i, arg), 1000, 600_000);
        case "--out" -> out = Path.of(value(args, ++i, arg));
        case "--keep" -> keep = true;
        default -> throw new UsageException("unknown argument: " + arg);
      }
    }
    return new BenchOptions(rounds, executors, Duration.ofMillis(sessionMs), out, keep);
  }

  static String value(String[] args, int index, String option) throws UsageException {
    if (index >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[index];
  }

  static int number(String option, String text, int min, int max) throws UsageException {
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new UsageException(option + " must be from " + min + " to " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number, got '" + text + "'");
    }
  }
}
