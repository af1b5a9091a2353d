package io.mainstay.runtime.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Loopback ports that were free when asked for, never the same one twice in this process. */
final class Ports {

  // The kernel may offer a port again as soon as the probe socket closes, before the process meant to
  // bind it has started: remember every port already handed out.
  private final Set<Integer> handedOut = new HashSet<>();

  synchronized int next() {
    while (true) {
      int port = probe();
      if (handedOut.add(port)) {
        return port;
      }
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
