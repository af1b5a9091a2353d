package io.mainstay.runtime.process;

import io.mainstay.actors.coordination.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Processes of this machine, as far as a record in ZooKeeper can name them. Pids are comparable only
 * within one boot and one pid namespace (containers each have their own), so {@link #ended} answers true
 * only when both match this process's and the named process is provably gone: where either is unknown it
 * answers false, and the caller falls back to waiting for the session to expire.
 */
public final class LocalProcesses {

  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  private static final Path PID_NAMESPACE = Path.of("/proc/self/ns/pid");
  private static final String MACHINE = machine().orElse(null);

  private LocalProcesses() {}

  public static ProcessIdentity current() {
    ProcessHandle self = ProcessHandle.current();
    return new ProcessIdentity(MACHINE, self.pid(), startedMillis(self).orElse(0L));
  }

  /** True when {@code process} ran on this machine and has ended: no such pid, a zombie, or a later process with its pid. */
  public static boolean ended(ProcessIdentity process) {
    if (process == null || MACHINE == null || !MACHINE.equals(process.machine())) {
      return false;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
    if (handle.isEmpty() || !handle.get().isAlive() || zombie(process.pid())) {
      return true;
    }
    Optional<Long> started = startedMillis(handle.get());
    return process.startedMillis() != 0 && started.isPresent() && started.get() != process.startedMillis();
  }

  private static Optional<String> machine() {
    try {
      return Optional.of(Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip() + "/" + Files.readSymbolicLink(PID_NAMESPACE));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> startedMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli);
  }

  /** A killed process whose parent has not reaped it yet still answers {@code isAlive}; its state says Z. */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      int afterName = stat.lastIndexOf(')');
      return afterName > 0 && afterName + 2 < stat.length() && stat.charAt(afterName + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
