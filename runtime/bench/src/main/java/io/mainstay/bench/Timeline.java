package io.mainstay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the time of one round went: the benchmark's own marks (fault, (a), (b), (c)) merged with what the
 * nodes logged around them, as milliseconds from the fault. Node logs carry wall-clock milliseconds (see
 * {@link #LOG_PATTERN}); the benchmark took the fault's wall-clock time next to its nanoTime.
 */
final class Timeline {

  /** The logback pattern of the nodes the benchmark starts; {@link #LINE} parses it. */
  static final String LOG_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n";

  private static final Pattern LINE =
      Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (\\w+)\\s+\\[[^\\]]*\\] (\\S+) - (.*)$");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final int MAX_LINES = 60;

  private record Mark(long offsetMs, String who, String what) {}

  /** A log to take lines from, and the name to show for it. */
  record Source(String who, Path log) {}

  private Timeline() {}

  static List<String> of(FailoverRound.Result round, List<Source> sources) {
    List<Mark> marks = new ArrayList<>();
    marks.add(new Mark(0, "bench", round.mode().signal + " " + round.from() + " (epoch " + round.oldEpoch() + ")"));
    marks.add(new Mark(Math.round(round.newMainMs()), "bench", "(a) " + round.to() + " answers /ping 200 at epoch " + round.newEpoch()));
    marks.add(new Mark(Math.round(round.executorsMs()), "bench", "(b) " + round.to() + " lists every executor at epoch " + round.newEpoch()));
    marks.add(new Mark(Math.round(round.firstWriteMs()), "bench", "(c) " + round.to() + " acknowledges a catalog write"));
    long last = Math.round(Math.max(round.newMainMs(), Math.max(round.executorsMs(), round.firstWriteMs())));
    long from = round.faultWallMillis() - 20;
    long to = round.faultWallMillis() + last + 100;
    for (Source source : sources) {
      marks.addAll(logMarks(source, round.faultWallMillis(), from, to));
    }
    marks.sort(Comparator.comparingLong(Mark::offsetMs));
    List<String> lines = new ArrayList<>();
    for (Mark mark : marks.subList(0, Math.min(marks.size(), MAX_LINES))) {
      lines.add(String.format("%+7d ms  %-8s %s", mark.offsetMs(), mark.who(), mark.what()));
    }
    if (marks.size() > MAX_LINES) {
      lines.add("  ... " + (marks.size() - MAX_LINES) + " more lines in the node logs");
    }
    return lines;
  }

  private static List<Mark> logMarks(Source source, long faultWall, long from, long to) {
    List<Mark> marks = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(source.log(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return marks;
    }
    ZoneId zone = ZoneId.systemDefault();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (!m.matches() || !interesting(m.group(2), m.group(3), m.group(4))) {
        continue;
      }
      long wall;
      try {
        wall = LocalDateTime.parse(m.group(1), TIME).atZone(zone).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        continue;
      }
      if (wall >= from && wall <= to) {
        String level = m.group(2);
        String text = (level.equals("INFO") ? "" : level + " ") + m.group(4);
        marks.add(new Mark(wall - faultWall, source.who(), text));
      }
    }
    return marks;
  }

  /**
   * Mainstay's own lines (role changes, store lock, registrations, exits), Pekko Cluster membership,
   * ZooKeeper's session expiries, and problems.
   */
  private static boolean interesting(String level, String logger, String message) {
    return logger.startsWith("io.mainstay.")
        || logger.equals("org.apache.pekko.cluster.Cluster")
        || message.startsWith("Expiring session")
        || level.equals("WARN")
        || level.equals("ERROR");
  }
}
