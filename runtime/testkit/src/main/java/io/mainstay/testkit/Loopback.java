package io.mainstay.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** The loopback address every kit process binds and publishes, and ports on it that were free when asked for. */
public final class Loopback {

  public static final String HOST = "127.0.0.1";

  // The kernel may offer a port again as soon as our probe socket closes; a process we
  // launched may not have bound it yet, so remember every port already promised.
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Loopback() {}

  /** A free port, never the same one twice in this JVM. */
  public static synchronized int freePort() {
    while (true) {
      int port = probe();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }

  /** The first of {@code count} consecutive free ports (e.g. for web ports numbered from a base), none handed out before. */
  public static synchronized int freeRange(int count) {
    while (true) {
      int first = probe();
      boolean free = true;
      for (int port = first; port < first + count && free; port++) {
        free = !HANDED_OUT.contains(port) && (port == first || isFree(port));
      }
      if (free) {
        for (int port = first; port < first + count; port++) {
          HANDED_OUT.add(port);
        }
        return first;
      }
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return socket.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  private static int probe() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
