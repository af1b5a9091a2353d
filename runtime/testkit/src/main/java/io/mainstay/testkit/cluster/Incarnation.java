package io.mainstay.testkit.cluster;

import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.JavaProcess;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One life of one node process, and what its launcher meant to become of it ({@link #intended()}), so a
 * process that should have exited can be told from one that should still run.
 */
public record Incarnation(MainstayNodeProcess node, JavaProcess process, AtomicReference<Fate> fate) {

  /** Killed with kill -9 on purpose, or told to exit with {@code exitCode}, or neither: it should run on. */
  public record Fate(boolean killed, Integer exitCode) {
    static final Fate RUN_ON = new Fate(false, null);

    public boolean runOn() {
      return !killed && exitCode == null;
    }
  }

  static Incarnation of(MainstayNodeProcess node, JavaProcess process) {
    return new Incarnation(node, process, new AtomicReference<>(Fate.RUN_ON));
  }

  public Fate intended() {
    return fate.get();
  }

  /** It ended although nobody meant it to. */
  public boolean exitedUnplanned() {
    return intended().runOn() && !process.isAlive();
  }

  void markKilled() {
    fate.set(new Fate(true, null));
  }

  void expectExit(int code) {
    fate.set(new Fate(false, code));
  }

  @Override
  public String toString() {
    Fate f = intended();
    return process + (f.killed() ? " [killed]" : f.exitCode() != null ? " [exit " + f.exitCode() + "]" : " [running]");
  }
}
