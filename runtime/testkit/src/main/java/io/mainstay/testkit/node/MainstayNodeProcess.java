package io.mainstay.testkit.node;

import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.process.JavaProcess;
import io.mainstay.testkit.process.Jvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;

/**
 * A Mainstay node launched the way production launches it: {@code MainstayNode --conf DIR} in
 * its own JVM, by class name, so the kit needs no Mainstay module: the node's classes come from the
 * classpath it is launched with (by default the launcher's own). Its directory holds {@code conf/},
 * {@code node.log} and, unless shared, {@code store/}. It can be started again after it exits, with
 * the same configuration and ports.
 */
public final class MainstayNodeProcess {

  public static final String MAIN_CLASS = "io.mainstay.runtime.MainstayNode";
  /** The JVM of a test node: small, quick to start, logging to the console, i.e. to {@code node.log}. */
  static final List<String> TEST_JVM = concat(Jvm.QUICK_START, List.of("-Dmainstay.log.console=true"));

  private final String name;
  private final Path home;
  private final Path confDir;
  private final int webPort;
  private final int fabricPort;
  private final NodeHttp http;
  private final List<String> jvmOptions;
  private final Launching launching;
  private JavaProcess process;

  /** Where the node's classes come from, and whether it outlives its launcher. */
  record Launching(String classpath, boolean detached) {
    static final Launching OWNED = new Launching(Jvm.classpath(), false);
  }

  MainstayNodeProcess(String name, Path home, Path confDir, int webPort, int fabricPort, List<String> jvmOptions,
      NodeHttp.Timeouts httpTimeouts, Launching launching) {
    this.name = name;
    this.home = home;
    this.confDir = confDir;
    this.webPort = webPort;
    this.fabricPort = fabricPort;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.launching = launching;
    this.http = new NodeHttp(webUrl(), httpTimeouts);
  }

  public static MainstayNodeBuilder builder(Path baseDir, String nodeName) {
    return new MainstayNodeBuilder(baseDir, nodeName);
  }

  /**
   * A node on a configuration the test wrote itself into {@code confDir} (e.g. the shipped
   * {@code mainstay.conf} with its ports overridden), which must set these web and fabric ports
   * and {@code node.host} to loopback. {@code home} holds {@code node.log}.
   */
  public static MainstayNodeProcess onConf(String name, Path home, Path confDir, int webPort, int fabricPort) {
    return new MainstayNodeProcess(name, home, confDir, webPort, fabricPort, TEST_JVM, NodeHttp.Timeouts.SHORT,
        Launching.OWNED);
  }

  /** Launches the node and returns at once; see {@link #awaitRole}. */
  public MainstayNodeProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    JavaProcess.Launch launch = JavaProcess.launch(name, MAIN_CLASS)
        .logFile(logFile())
        .jvmOptions(jvmOptions)
        .classpath(launching.classpath())
        .args(List.of("--conf", confDir.toString()));
    process = (launching.detached() ? launch.detached(home.resolve("node.pid")) : launch).start();
    return this;
  }

  /** Waits until {@code /ping} reports {@code role} ({@link Ping#MAIN}, {@link Ping#STANDBY}); fails early if the node exits. */
  public MainstayNodeProcess awaitRole(String role, Duration deadline) {
    process().awaitWhileRunning(name + " to report role " + role, deadline, () -> role.equals(ping().role()));
    return this;
  }

  public Ping ping() {
    return Ping.of(http.ping());
  }

  /** {@code GET /api/v1/cluster}. */
  public ClusterStatus cluster() {
    return ClusterStatus.of(http.cluster());
  }

  /** {@code POST /api/v1/probe}, answered within {@code deadline}. */
  public ProbeReport probe(Duration deadline) {
    return ProbeReport.of(http.probe(deadline));
  }

  public NodeHttp http() {
    return http;
  }

  public String name() {
    return name;
  }

  public int webPort() {
    return webPort;
  }

  /** {@code services.fabric.port}: the Pekko port. */
  public int fabricPort() {
    return fabricPort;
  }

  public String webUrl() {
    return "http://" + Loopback.HOST + ":" + webPort;
  }

  public Path home() {
    return home;
  }

  /** Its output, every incarnation. */
  public Path logFile() {
    return home.resolve("node.log");
  }

  public Path confFile() {
    return confDir.resolve("mainstay.conf");
  }

  /** The current incarnation. */
  public JavaProcess process() {
    if (process == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return process;
  }

  public long pid() {
    return process().pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public void kill9() {
    process().kill9();
  }

  public void sigterm() {
    process().sigterm();
  }

  public void sigstop() {
    process().sigstop();
  }

  public void sigcont() {
    process().sigcont();
  }

  /** 0 after a graceful stop, 2 for a bad configuration, 3 after losing main status. */
  public int waitForExit(Duration deadline) {
    return process().waitForExit(deadline);
  }

  public String log() {
    return process().log();
  }

  public void awaitLog(String text, Duration deadline) {
    process().awaitLog(text, deadline);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return name + " at " + webUrl();
  }
}
