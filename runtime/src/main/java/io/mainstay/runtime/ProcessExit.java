package io.mainstay.runtime;

import ch.qos.logback.classic.LoggerContext;
import io.mainstay.actors.node.NodeLifecycle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ends the node's process with the supervisor's exit code, once, after the log is flushed. */
final class ProcessExit implements NodeLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ProcessExit.class);

  private final AtomicBoolean exiting = new AtomicBoolean();
  private volatile boolean leaving;
  private volatile boolean leading;

  @Override
  public void exit(int code, String reason) {
    if (!exiting.compareAndSet(false, true)) {
      return;
    }
    if (code == EXIT_GRACEFUL) {
      log.info("{}; exit code 0", reason);
    } else {
      log.error("{}; exit code {}", reason, code);
    }
    // System.exit must not run on an actor's thread: it would wait on the thread that called it
    Thread exiter = new Thread(() -> exitNow(code), "mainstay-exit");
    exiter.start();
  }

  @Override
  public void leaving() {
    leaving = true;
  }

  @Override
  public void leading() {
    leading = true;
  }

  /**
   * The actor system ended: a failure, unless a graceful stop is leaving the cluster, whose last step
   * (a node downing this one once its ZooKeeper record is gone) ends the actor system too, or unless this
   * node was main, when being downed means ZooKeeper gave its term up first.
   */
  void actorSystemTerminated(String node) {
    if (leaving) {
      exit(EXIT_GRACEFUL, "node " + node + ": stopped gracefully (removed from the Pekko Cluster while leaving)");
    } else if (leading) {
      exit(EXIT_LOST_MAIN, "node " + node + ": removed from the Pekko Cluster while main (ZooKeeper no longer listed it)");
    } else {
      exit(EXIT_FAILURE, "node " + node + ": actor system terminated (removed from the Pekko Cluster?)");
    }
  }

  static void exitNow(int code) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
      logging.stop();
    }
    System.exit(code);
  }
}
