package io.mainstay.runtime.zookeeper;

import java.time.Duration;

/**
 * How a Curator client connects and retries, apart from the session timeout (a node's configuration).
 * One value for every client that must behave like a node's: the node itself and the failover
 * benchmark's bare-latch floor, so the floor stays a fair baseline when a setting changes.
 *
 * @param maxConnectionTimeout the connection timeout is the session timeout, capped at this
 * @param retryBaseSleep first pause of the bounded exponential backoff between retries
 * @param retryMaxSleep longest pause between retries
 * @param retryMaxAttempts retries of one operation before it fails
 */
public record CuratorSettings(
    Duration maxConnectionTimeout, Duration retryBaseSleep, Duration retryMaxSleep, int retryMaxAttempts) {

  /** What a Mainstay node uses. */
  public static CuratorSettings defaults() {
    return new CuratorSettings(Duration.ofSeconds(15), Duration.ofMillis(50), Duration.ofSeconds(1), 10);
  }
}
