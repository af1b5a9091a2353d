package io.mainstay.testkit.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every owned process (see {@link JavaProcess}) is registered here so none outlives its test or
 * tool, pass or fail.
 *
 * <p>{@link Extension} kills what a test method started after that method, and what
 * {@code @BeforeAll} started after the class, so a ZooKeeper shared by a class survives its
 * tests. A JVM shutdown hook kills whatever is left if the test JVM exits some other way.
 *
 * <p>Killing is SIGKILL: unlike SIGTERM it also ends a SIGSTOPped process, so there is no need
 * to SIGCONT it first.
 */
public final class ManagedProcesses {

  private static final long REAP_SECONDS = 10;
  private static final List<Process> STARTED = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcesses::killAll, "kill-managed-processes"));
  }

  private ManagedProcesses() {}

  /** Puts {@code process} in the care of the registry; {@link JavaProcess} does this for its owned processes. */
  static synchronized void register(Process process) {
    STARTED.add(process);
  }

  /** Kills and reaps every registered process that still runs: what a tool calls when it is done. */
  public static void killAll() {
    killStartedSince(0);
  }

  private static synchronized int mark() {
    return STARTED.size();
  }

  /** Kills and reaps every process registered at or after {@code mark} that still runs. */
  private static void killStartedSince(int mark) {
    List<Process> victims;
    synchronized (ManagedProcesses.class) {
      victims = new ArrayList<>(STARTED.subList(mark, STARTED.size()));
    }
    victims.forEach(Process::destroyForcibly);
    List<Long> survivors = new ArrayList<>();
    for (Process victim : victims) {
      if (!reaped(victim)) {
        survivors.add(victim.pid());
      }
    }
    if (!survivors.isEmpty()) {
      throw new IllegalStateException("processes survived SIGKILL for " + REAP_SECONDS + " s: " + survivors);
    }
  }

  private static boolean reaped(Process process) {
    try {
      return process.waitFor(REAP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Use with {@code @ExtendWith(ManagedProcesses.Extension.class)} on any test that starts processes. */
  public static final class Extension
      implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(ManagedProcesses.class);
    private static final String MARK = "mark";

    @Override
    public void beforeAll(ExtensionContext context) {
      remember(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      remember(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
      killStartedWithin(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      killStartedWithin(context);
    }

    private static void remember(ExtensionContext context) {
      context.getStore(NAMESPACE).put(MARK, mark());
    }

    private static void killStartedWithin(ExtensionContext context) {
      killStartedSince(context.getStore(NAMESPACE).get(MARK, Integer.class));
    }
  }
}
