package io.mainstay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;

/**
 * The defaults that depend on the machine, as a Config the loader puts under the reference defaults:
 * {@code node.name} (the host name), {@code node.host} (its address), {@code services.executor.slots}
 * (the number of cores).
 */
final class MachineDefaults {

  private MachineDefaults() {}

  static Config config() {
    return ConfigFactory.parseMap(Map.of(
        NodeConfigLoader.NODE_NAME, hostName(),
        NodeConfigLoader.NODE_HOST, hostAddress(),
        NodeConfigLoader.EXECUTOR_SLOTS, Runtime.getRuntime().availableProcessors()),
        "defaults of this machine");
  }

  /** The host name made a valid {@code node.name}; "localhost" when the machine has none. */
  private static String hostName() {
    String name = null;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException | SecurityException e) {
      // a machine without a resolvable name: try the environment
    }
    if (name == null || name.isBlank()) {
      name = System.getenv("HOSTNAME");
    }
    if (name == null || name.isBlank()) {
      return "localhost";
    }
    String clean = name.strip().replaceAll("[^A-Za-z0-9._-]", "-");
    if (clean.length() > 128) {
      clean = clean.substring(0, 128);
    }
    return clean.equals(".") || clean.equals("..") ? "localhost" : clean;
  }

  /** The host's address without an IPv6 zone; loopback when it has none. */
  private static String hostAddress() {
    try {
      String address = InetAddress.getLocalHost().getHostAddress();
      if (address != null && !address.isBlank()) {
        int zone = address.indexOf('%');
        return zone >= 0 ? address.substring(0, zone) : address;
      }
    } catch (IOException | SecurityException e) {
      // no address to be had: loopback below
    }
    return "127.0.0.1";
  }
}
