package io.mainstay.it.fault;

import io.mainstay.testkit.zookeeper.ZooKeeperEnsemble;
import io.mainstay.testkit.zookeeper.ZooKeeperProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which ensemble member a process talks to, read from Linux's {@code /proc}: the process's socket
 * inodes, matched against established TCP connections whose remote port is a member's client port.
 */
final class ZooKeeperConnections {

  private static final String ESTABLISHED = "01";

  private ZooKeeperConnections() {}

  /** The member {@code pid} has an established client connection to; empty if none or not on Linux. */
  static Optional<ZooKeeperProcess> serverOf(long pid, ZooKeeperEnsemble ensemble) {
    Set<String> inodes = socketInodes(pid);
    if (inodes.isEmpty()) {
      return Optional.empty();
    }
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !ESTABLISHED.equals(f[3]) || !inodes.contains(f[9])) {
          continue;
        }
        int remotePort = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        for (ZooKeeperProcess member : ensemble.members()) {
          if (member.clientPort() == remotePort) {
            return Optional.of(member);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor went away while we listed them
        }
      }
    } catch (IOException e) {
      return Set.of();
    }
    return inodes;
  }
}
