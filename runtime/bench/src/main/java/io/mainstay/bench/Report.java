package io.mainstay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mainstay.testkit.zookeeper.ZooKeeperConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results as the printed summary, the targets they are judged by, and the same as JSON. */
final class Report {

  record Target(String name, boolean met, String detail) {}

  /** A crashed main's successor serves within this, whatever the session timeout. */
  static final double CRASH_LIMIT_MS = 500;
  static final double FLOOR_FACTOR = 1.3;
  static final double GRACEFUL_LIMIT_MS = 100;
  static final double EXECUTORS_LIMIT_MS = 100;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Report() {}

  static String text(Results results) {
    BenchOptions o = results.options;
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "Mainstay failover benchmark: %d rounds per mode, %d executors, ZooKeeper session timeout %d ms (tickTime %d ms)%n",
        o.rounds(), o.executors(), o.sessionTimeout().toMillis(), ZooKeeperConfig.TICK_MS));
    if (results.failure != null) {
      out.append("INCOMPLETE: ").append(results.failure.lines().findFirst().orElse("")).append('\n');
    }
    out.append(String.format(Locale.ROOT, "%-40s %8s %8s %8s %8s %4s%n", "milliseconds from the fault", "min", "median", "p90", "max", "n"));
    for (FailoverRound.Mode mode : FailoverRound.Mode.values()) {
      List<FailoverRound.Result> rounds = results.rounds(mode);
      String m = mode.label();
      row(out, m + " (a) new main answers /ping 200", Results.stats(rounds, FailoverRound.Result::newMainMs));
      row(out, m + " (b) executors at the new epoch", Results.stats(rounds, FailoverRound.Result::executorsMs));
      row(out, m + " (c) first acknowledged write", Results.stats(rounds, FailoverRound.Result::firstWriteMs));
    }
    row(out, "floor: bare LeaderLatch, kill -9", Stats.of(results.floor));
    row(out, "floor, leader busy (ZK read every 20 ms)", Stats.of(results.floorBusy));
    out.append(String.format(Locale.ROOT, "crash failover (a) median / floor median = %s%n", ratio(crashOverFloor(results, results.floor))));
    out.append(String.format(Locale.ROOT, "crash failover (a) median / busy-leader floor median = %s%n", ratio(crashOverFloor(results, results.floorBusy))));
    out.append(String.format(Locale.ROOT, "(b) - (a) median: crash %s ms, graceful %s ms%n",
        ms(Results.executorsAfterNewMain(results.crash).median()), ms(Results.executorsAfterNewMain(results.graceful).median())));
    if (results.lostWrites == null) {
      out.append(String.format(Locale.ROOT, "lost writes: not checked (%d acknowledged of %d attempted)%n",
          results.writesAcknowledged, results.writesAttempted));
    } else {
      out.append(String.format(Locale.ROOT, "lost writes: %d of %d acknowledged (%d attempted)%n",
          results.lostWrites.size(), results.writesAcknowledged, results.writesAttempted));
      results.lostWrites.stream().limit(20).forEach(lost -> out.append("  lost: ").append(lost).append('\n'));
    }
    out.append(String.format(Locale.ROOT, "double mains: %d (polling cycles where both coordinators answered /ping 200: %d)%n",
        results.doubleMains.size(), results.overlappingAnswers));
    results.doubleMains.forEach(incident -> out.append("  double main: ").append(incident).append('\n'));
    out.append(String.format(Locale.ROOT, "rounds discarded and run again: %d; nodes that exited on their own: %d%n",
        results.discardedRounds.size(), results.unplannedExits.size()));
    results.discardedRounds.forEach(d -> out.append("  ").append(d).append('\n'));
    results.unplannedExits.forEach(u -> out.append("  ").append(u).append('\n'));
    if (!results.loadAverages.isEmpty()) {
      Stats load = Stats.of(results.loadAverages);
      out.append(String.format(Locale.ROOT, "machine: %d cores, 1-minute load average before the rounds: min %.1f, median %.1f, max %.1f%n",
          Runtime.getRuntime().availableProcessors(), load.min(), load.median(), load.max()));
    }
    if (!results.cpuBusy.isEmpty()) {
      Stats busy = Stats.of(results.cpuBusy);
      out.append(String.format(Locale.ROOT, "cores busy over the second before each fault (a fault waits for at most 50%%, up to 30 s): min %.0f%%, median %.0f%%, max %.0f%%%n",
          busy.min(), busy.median(), busy.max()));
    }
    List<Target> targets = targets(results);
    if (!targets.isEmpty()) {
      out.append("\nTargets:\n");
      targets.forEach(t -> out.append(String.format("  %-8s %s%n", t.met() ? "[met]" : "[MISSED]", t.detail())));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String label, Stats stats) {
    out.append(String.format(Locale.ROOT, "%-40s %8s %8s %8s %8s %4d%n",
        label, ms(stats.min()), ms(stats.median()), ms(stats.p90()), ms(stats.max()), stats.count()));
  }

  private static String ms(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f", value);
  }

  private static String ratio(Double ratio) {
    return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio);
  }

  /** Crash (a) median over the median of {@code floorSamples}; null when either is missing. */
  static Double crashOverFloor(Results results, List<Double> floorSamples) {
    double crash = Results.stats(results.crash, FailoverRound.Result::newMainMs).median();
    double floor = Stats.of(floorSamples).median();
    if (Double.isNaN(crash) || Double.isNaN(floor) || floor <= 0) {
      return null;
    }
    return crash / floor;
  }

  /** The targets that can be judged from what was measured. */
  static List<Target> targets(Results results) {
    List<Target> targets = new ArrayList<>();
    long session = results.options.sessionTimeout().toMillis();
    double crashA = Results.stats(results.crash, FailoverRound.Result::newMainMs).median();
    if (!Double.isNaN(crashA)) {
      targets.add(new Target("crashBoundByProcessDeath", crashA < CRASH_LIMIT_MS,
          String.format(Locale.ROOT, "crash (a) median %.0f ms < %.0f ms (session timeout %d ms)", crashA, CRASH_LIMIT_MS, session)));
    }
    Double ratio = crashOverFloor(results, results.floor);
    if (ratio != null) {
      targets.add(new Target("crashOverFloor", ratio <= FLOOR_FACTOR,
          String.format(Locale.ROOT, "crash (a) median / floor median %.2f <= %.2f", ratio, FLOOR_FACTOR)));
    }
    double gracefulA = Results.stats(results.graceful, FailoverRound.Result::newMainMs).median();
    if (!Double.isNaN(gracefulA)) {
      targets.add(new Target("gracefulHandover", gracefulA < GRACEFUL_LIMIT_MS,
          String.format(Locale.ROOT, "graceful (a) median %.0f ms < %.0f ms", gracefulA, GRACEFUL_LIMIT_MS)));
    }
    for (FailoverRound.Mode mode : FailoverRound.Mode.values()) {
      double gap = Results.executorsAfterNewMain(results.rounds(mode)).median();
      if (!Double.isNaN(gap)) {
        targets.add(new Target(mode.label() + "ExecutorsFollow", gap <= EXECUTORS_LIMIT_MS,
            String.format(Locale.ROOT, "%s (b) - (a) median %.0f ms <= %.0f ms", mode.label(), gap, EXECUTORS_LIMIT_MS)));
      }
    }
    if (results.lostWrites != null) {
      targets.add(new Target("noLostWrites", results.lostWrites.isEmpty(),
          String.format(Locale.ROOT, "lost writes %d (of %d acknowledged) = 0", results.lostWrites.size(), results.writesAcknowledged)));
    }
    targets.add(new Target("noDoubleMains", results.doubleMains.isEmpty(),
        String.format(Locale.ROOT, "double mains %d = 0", results.doubleMains.size())));
    return targets;
  }

  static void writeJson(Results results, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), json(results));
  }

  static ObjectNode json(Results results) {
    BenchOptions o = results.options;
    ObjectNode root = JSON.createObjectNode();
    root.put("benchmark", "failover");
    root.put("complete", results.failure == null);
    if (results.failure != null) {
      root.put("failure", results.failure);
    }
    root.put("sessionTimeoutMs", o.sessionTimeout().toMillis());
    root.put("zooKeeperTickMs", ZooKeeperConfig.TICK_MS);
    root.put("rounds", o.rounds());
    root.put("executors", o.executors());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("java", System.getProperty("java.version"));
    for (FailoverRound.Mode mode : FailoverRound.Mode.values()) {
      List<FailoverRound.Result> rounds = results.rounds(mode);
      ObjectNode m = root.putObject(mode.label());
      m.set("newMain", stats(Results.stats(rounds, FailoverRound.Result::newMainMs)));
      m.set("executorsRegistered", stats(Results.stats(rounds, FailoverRound.Result::executorsMs)));
      m.set("firstWrite", stats(Results.stats(rounds, FailoverRound.Result::firstWriteMs)));
      m.set("executorsAfterNewMain", stats(Results.executorsAfterNewMain(rounds)));
      ArrayNode list = m.putArray("roundsDetail");
      for (FailoverRound.Result r : rounds) {
        ObjectNode round = list.addObject();
        round.put("round", r.round());
        round.put("from", r.from());
        round.put("to", r.to());
        round.put("oldEpoch", r.oldEpoch());
        round.put("newEpoch", r.newEpoch());
        round.put("newMainMs", round(r.newMainMs()));
        round.put("executorsRegisteredMs", round(r.executorsMs()));
        round.put("firstWriteMs", round(r.firstWriteMs()));
        round.put("oldMainExitCode", r.exitCode());
      }
    }
    root.set("floor", stats(Stats.of(results.floor)));
    root.set("floorBusyLeader", stats(Stats.of(results.floorBusy)));
    Double ratio = crashOverFloor(results, results.floor);
    if (ratio == null) {
      root.putNull("crashNewMainMedianOverFloorMedian");
    } else {
      root.put("crashNewMainMedianOverFloorMedian", round(ratio));
    }
    Double busyRatio = crashOverFloor(results, results.floorBusy);
    if (busyRatio == null) {
      root.putNull("crashNewMainMedianOverBusyFloorMedian");
    } else {
      root.put("crashNewMainMedianOverBusyFloorMedian", round(busyRatio));
    }
    ObjectNode writes = root.putObject("writes");
    writes.put("attempted", results.writesAttempted);
    writes.put("acknowledged", results.writesAcknowledged);
    if (results.lostWrites == null) {
      writes.putNull("lost");
    } else {
      writes.put("lost", results.lostWrites.size());
      ArrayNode lost = writes.putArray("lostEntries");
      results.lostWrites.forEach(lost::add);
    }
    root.put("doubleMains", results.doubleMains.size());
    ArrayNode incidents = root.putArray("doubleMainIncidents");
    results.doubleMains.forEach(incidents::add);
    root.put("overlappingPingAnswers", results.overlappingAnswers);
    ArrayNode discarded = root.putArray("discardedRounds");
    results.discardedRounds.forEach(discarded::add);
    ArrayNode exits = root.putArray("unplannedExits");
    results.unplannedExits.forEach(exits::add);
    root.set("loadAverage1m", stats(Stats.of(results.loadAverages), "samples"));
    root.set("cpuBusyPercentBeforeFault", stats(Stats.of(results.cpuBusy), "samples"));
    ArrayNode targets = root.putArray("targets");
    for (Target t : targets(results)) {
      targets.addObject().put("name", t.name()).put("met", t.met()).put("detail", t.detail());
    }
    return root;
  }

  static ObjectNode stats(Stats stats) {
    return stats(stats, "samplesMs");
  }

  private static ObjectNode stats(Stats stats, String samplesKey) {
    ObjectNode node = JSON.createObjectNode();
    node.put("count", stats.count());
    if (stats.isEmpty()) {
      node.putNull("min");
      node.putNull("median");
      node.putNull("p90");
      node.putNull("max");
    } else {
      node.put("min", round(stats.min()));
      node.put("median", round(stats.median()));
      node.put("p90", round(stats.p90()));
      node.put("max", round(stats.max()));
    }
    ArrayNode samples = node.putArray(samplesKey);
    stats.samples().forEach(s -> samples.add(round(s)));
    return node;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
