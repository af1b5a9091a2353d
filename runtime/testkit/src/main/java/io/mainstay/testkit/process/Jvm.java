package io.mainstay.testkit.process;

import java.nio.file.Path;
import java.util.List;

/**
 * The JVM options of every child JVM a Java launcher starts, in one place. (Maven's surefire and failsafe
 * take the same opens from the root pom's {@code lmdb.opens}; {@code bin/mainstay} has its own for the node.)
 */
public final class Jvm {

  /** lmdbjava reaches into java.nio buffers: needed by any JVM that opens the store, harmless in others. */
  public static final List<String> ADD_OPENS = List.of(
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

  /**
   * For tests: keeps several JVMs small and quick to start on two cores. Not for the benchmark, whose
   * nodes must run as production runs them (C2, the default collector).
   */
  public static final List<String> QUICK_START = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private Jvm() {}

  /** The java executable of this JVM: children run on the same Java. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's classpath: children see the classes their launcher sees. */
  public static String classpath() {
    return System.getProperty("java.class.path");
  }
}
