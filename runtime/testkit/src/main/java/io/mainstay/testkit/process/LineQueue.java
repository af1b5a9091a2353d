package io.mainstay.testkit.process;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The lines a child prints, in order, for a caller that reads them as a protocol ("READY", "ACK name 3")
 * rather than as a log. Give it to {@link JavaProcess.Launch#onLine}.
 */
public final class LineQueue implements JavaProcess.LineListener {

  /** A line and the {@link System#nanoTime()} it was read at. */
  public record Line(String text, long nanoTime) {}

  /** Put after the last line, once the child's output has ended. */
  private static final Line END = new Line(null, 0);

  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
  private volatile boolean ended;

  @Override
  public void onLine(String line, long nanoTime) {
    lines.add(new Line(line, nanoTime));
  }

  @Override
  public void onEnd() {
    lines.add(END);
  }

  /**
   * The next line matching {@code wanted} (earlier ones are dropped); fails when {@code timeout} passes
   * or as soon as the output of {@code process} has ended without such a line.
   */
  public Line await(JavaProcess process, Predicate<Line> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended && System.nanoTime() - deadline < 0) {
      Line line = poll();
      if (line == END) {
        ended = true;
      } else if (line != null && wanted.test(line)) {
        return line;
      }
    }
    String why = ended ? "'s output ended" : " printed nothing of the kind within " + timeout.toSeconds() + " s";
    throw new AssertionError(process + why + " (waiting for a line)" + process.lastLines());
  }

  /** The text of the next line that matches {@code wanted}; see {@link #await(JavaProcess, Predicate, Duration)}. */
  public String awaitText(JavaProcess process, Predicate<String> wanted, Duration timeout) {
    return await(process, line -> wanted.test(line.text()), timeout).text();
  }

  private Line poll() {
    try {
      return lines.poll(50, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a line", e);
    }
  }
}
