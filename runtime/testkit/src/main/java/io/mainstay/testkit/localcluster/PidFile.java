package io.mainstay.testkit.localcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A pid file, trusted only while its process runs and its command line names what it should. */
record PidFile(Path file) {

  /**
   * The live process the file names, if its command line contains every one of {@code marks}, so a
   * pid reused by another process is never mistaken (and never killed) for ours.
   */
  Optional<ProcessHandle> process(List<String> marks) {
    return pid().flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(process -> {
          // Without a readable command line we cannot tell: trust the pid file, as bin/mainstay does.
          String commandLine = commandLine(process).orElse(null);
          return commandLine == null || marks.stream().allMatch(commandLine::contains);
        });
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new LocalClusterException("cannot remove " + file + ": " + e.getMessage());
    }
  }

  // /proc has the whole command line; ProcessHandle.Info cuts it at 4 kB, before a long classpath ends.
  private static Optional<String> commandLine(ProcessHandle process) {
    try {
      byte[] line = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return Optional.of(new String(line, StandardCharsets.UTF_8).replace('\0', ' '));
    } catch (IOException e) {
      return process.info().commandLine();
    }
  }

  private Optional<Long> pid() {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return text.matches("[0-9]{1,18}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
