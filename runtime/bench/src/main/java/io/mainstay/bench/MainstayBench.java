package io.mainstay.bench;

import java.util.List;

/** {@code bin/mainstay-bench}: one command per benchmark, each with its own options. */
public final class MainstayBench {

  private MainstayBench() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).stream().anyMatch(arg -> List.of("-h", "--help", "help").contains(arg))) {
      System.out.println(BenchOptions.USAGE + "\n\n" + StoreBenchmark.USAGE + "\n\n" + QueryBenchmark.USAGE);
      System.exit(0);
    }
    if (args.length > 0 && args[0].equals("store")) {
      StoreBenchmark.main(args);
    } else if (args.length > 0 && args[0].equals("query")) {
      QueryBenchmark.main(args);
    } else {
      FailoverBenchmark.main(args); // failover, or its one-line error for anything else
    }
  }
}
