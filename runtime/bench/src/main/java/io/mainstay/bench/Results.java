package io.mainstay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Everything one run measured, complete or not; {@link Report} turns it into text and JSON. */
final class Results {

  final BenchOptions options;
  final List<FailoverRound.Result> crash = new ArrayList<>();
  final List<FailoverRound.Result> graceful = new ArrayList<>();
  final List<Double> floor = new ArrayList<>();
  /** The floor again, with a leader that uses its session every 20 ms, as a main serving writes does. */
  final List<Double> floorBusy = new ArrayList<>();
  long writesAttempted;
  long writesAcknowledged;
  /** Null until the acknowledged writes were read back from the final main. */
  List<String> lostWrites;
  List<String> doubleMains = List.of();
  int overlappingAnswers;
  /** Why the run stopped early; null when it completed. */
  String failure;
  /** Rounds started but not counted (a node other than the faulted main exited, or no answer in time). */
  final List<String> discardedRounds = new ArrayList<>();
  /** Nodes that exited on their own during the run (e.g. a main whose ZooKeeper session expired under load). */
  List<String> unplannedExits = List.of();
  /** The 1-minute load average of the machine, sampled before each round. */
  final List<Double> loadAverages = new ArrayList<>();
  /** The share of the cores busy (percent) over the second before each counted fault. */
  final List<Double> cpuBusy = new ArrayList<>();

  Results(BenchOptions options) {
    this.options = options;
  }

  List<FailoverRound.Result> rounds(FailoverRound.Mode mode) {
    return mode == FailoverRound.Mode.CRASH ? crash : graceful;
  }

  static Stats stats(List<FailoverRound.Result> rounds, ToDoubleFunction<FailoverRound.Result> figure) {
    return Stats.of(rounds.stream().map(r -> figure.applyAsDouble(r)).toList());
  }

  /** (b) - (a) of each round: how long executors take to follow a main that is already serving. */
  static Stats executorsAfterNewMain(List<FailoverRound.Result> rounds) {
    return stats(rounds, r -> r.executorsMs() - r.newMainMs());
  }

  /** The round whose (a) is nearest the median: the one a timeline is shown for. */
  static FailoverRound.Result medianRound(List<FailoverRound.Result> rounds) {
    double median = stats(rounds, FailoverRound.Result::newMainMs).median();
    FailoverRound.Result best = null;
    for (FailoverRound.Result round : rounds) {
      if (best == null || Math.abs(round.newMainMs() - median) < Math.abs(best.newMainMs() - median)) {
        best = round;
      }
    }
    return best;
  }
}
