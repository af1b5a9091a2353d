package io.mainstay.runtime.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.actors.coordination.ProcessIdentity;
import org.junit.jupiter.api.Test;

class LocalProcessesTest {

  private static final ProcessIdentity SELF = LocalProcesses.current();

  @Test
  void thisProcessHasNotEnded() {
    assertNotNull(SELF.machine(), "boot id and pid namespace are readable on Linux");
    assertFalse(LocalProcesses.ended(SELF));
  }

  @Test
  void aKilledProcessHasEnded() throws Exception {
    ProcessIdentity child = EndedProcess.identity();
    assertTrue(LocalProcesses.ended(child), "pid " + child.pid() + " was killed and reaped");
  }

  @Test
  void aPidTakenByALaterProcessCountsAsEnded() {
    ProcessIdentity earlier = new ProcessIdentity(SELF.machine(), SELF.pid(), SELF.startedMillis() - 60_000);
    assertTrue(LocalProcesses.ended(earlier), "this JVM has the pid but started later");
  }

  @Test
  void nothingIsProvenAboutAnotherMachineOrAnUnknownOne() throws Exception {
    ProcessIdentity child = EndedProcess.identity();
    assertFalse(LocalProcesses.ended(new ProcessIdentity("another-boot/pid:[1]", child.pid(), child.startedMillis())));
    assertFalse(LocalProcesses.ended(new ProcessIdentity(null, child.pid(), child.startedMillis())));
    assertFalse(LocalProcesses.ended(null));
  }
}
