package io.mainstay.runtime.process;

import io.mainstay.actors.coordination.ProcessIdentity;

/** For tests: the identity of a process that ran on this machine and was killed (and reaped). */
public final class EndedProcess {

  private EndedProcess() {}

  public static ProcessIdentity identity() throws Exception {
    Process child = new ProcessBuilder("sleep", "60").start();
    long started = child.info().startInstant().orElseThrow().toEpochMilli();
    child.destroyForcibly().waitFor();
    return new ProcessIdentity(LocalProcesses.current().machine(), child.pid(), started);
  }
}
