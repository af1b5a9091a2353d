package io.mainstay.runtime.zookeeper;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;

/**
 * Builds the Curator client of a node, and of anything that must behave like one. The session-based error
 * policy is not a setting: a SUSPENDED connection must not revoke leadership, only a LOST session may (see
 * {@link CuratorCoordination}).
 */
public final class CuratorClients {

  private CuratorClients() {}

  /** A client, not yet started. */
  public static CuratorFramework create(String connectString, Duration sessionTimeout, CuratorSettings settings) {
    long sessionMs = sessionTimeout.toMillis();
    return CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs((int) sessionMs)
        .connectionTimeoutMs((int) Math.min(sessionMs, settings.maxConnectionTimeout().toMillis()))
        .retryPolicy(new BoundedExponentialBackoffRetry(
            (int) settings.retryBaseSleep().toMillis(),
            (int) settings.retryMaxSleep().toMillis(),
            settings.retryMaxAttempts()))
        .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy())
        .build();
  }
}
