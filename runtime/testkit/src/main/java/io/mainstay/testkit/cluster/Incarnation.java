package io.mainstay.testkit.cluster;

import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.JavaProcess;

/** One life of one node process, and its fate as its launcher decided it: killed, an exit code, or running on. */
public final class Incarnation {

  private final MainstayNodeProcess node;
  private final JavaProcess process;
  private volatile boolean killed;
  private volatile Integer expectedExit;

  Incarnation(MainstayNodeProcess node, JavaProcess process) {
    this.node = node;
    this.process = process;
  }

  public MainstayNodeProcess node() {
    return node;
  }

  public JavaProcess process() {
    return process;
  }

  /** Killed with kill -9 on purpose. */
  public boolean killed() {
    return killed;
  }

  /** The exit code it was told to end with; null if none. */
  public Integer expectedExit() {
    return expectedExit;
  }

  /** Nobody meant it to end. */
  public boolean shouldRun() {
    return !killed && expectedExit == null;
  }

  /** It ended although nobody meant it to. */
  public boolean exitedUnplanned() {
    return shouldRun() && !process.isAlive();
  }

  void markKilled() {
    killed = true;
  }

  void expectExit(int code) {
    expectedExit = code;
  }

  @Override
  public String toString() {
    return process + (killed ? " [killed]" : expectedExit != null ? " [exit " + expectedExit + "]" : " [running]");
  }
}
