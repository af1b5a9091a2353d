package io.mainstay.sql;

import io.mainstay.sql.datasets.DatasetRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code sql.*} keys, read and checked once: a bad value fails the service's start with a message naming
 * the key (the node's log shows it, and the supervisor's backoff keeps the node serving everything else).
 */
public record SqlSettings(
    String memoryLimit, int exchangePort, int executorExchangePort, Duration resultsRetention, int jobsKept, Duration jobsMaxAge,
    Duration executorWait,
    Duration coordinatorGrace, long broadcastBytes, boolean partitionedJoins, Path spill, Path scratch) {

  public static final String MEMORY_LIMIT = "sql.memory-limit";
  public static final String EXCHANGE_PORT = "sql.exchange.port";
  public static final String EXECUTOR_EXCHANGE_PORT = "sql.exchange.executor-port";
  public static final String RESULTS_RETENTION = "sql.jobs.results-retention";
  public static final String JOBS_KEPT = "sql.jobs.kept";
  public static final String JOBS_MAX_AGE = "sql.jobs.max-age";
  public static final String EXECUTOR_WAIT = "sql.jobs.executor-wait";
  public static final String COORDINATOR_GRACE = "sql.jobs.coordinator-grace";
  public static final String SCRATCH = "paths.scratch";
  public static final String BROADCAST_THRESHOLD = "sql.broadcast-threshold";
  public static final String PARTITIONED_JOINS = "sql.partitioned-joins";

  private static final long MIN_MEMORY = 64L << 20;

  public static SqlSettings from(Config config) {
    try {
      int port = port(config, EXCHANGE_PORT);
      int executorPort = port(config, EXECUTOR_EXCHANGE_PORT);
      if (port != 0 && port == executorPort) {
        throw new IllegalArgumentException(EXCHANGE_PORT + " and " + EXECUTOR_EXCHANGE_PORT + ": both " + port
            + ", but a node that coordinates and executes binds each");
      }
      if (config.getBytes(BROADCAST_THRESHOLD) < 0) {
        throw new IllegalArgumentException(BROADCAST_THRESHOLD + ": a size of 0 or more, got " + config.getString(BROADCAST_THRESHOLD));
      }
      int kept = config.getInt(JOBS_KEPT);
      if (kept < 1) {
        throw new IllegalArgumentException(JOBS_KEPT + ": must be at least 1, got " + kept);
      }
      return new SqlSettings(memoryLimit(config), port, executorPort, positive(config, RESULTS_RETENTION), kept,
          positive(config, JOBS_MAX_AGE),
          positive(config, EXECUTOR_WAIT), positive(config, COORDINATOR_GRACE), config.getBytes(BROADCAST_THRESHOLD),
          config.getBoolean(PARTITIONED_JOINS),
          Path.of(config.getString("paths.local"), "sql", "spill"), scratch(config));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static int port(Config config, String key) {
    int port = config.getInt(key);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": " + port + " is not a port (0: any free port)");
    }
    return port;
  }

  /**
   * Where CREATE TABLE AS writes: the key's directory (relative: to {@code paths.local}), or {@code scratch} in
   * the first dataset root. It must lie in a dataset root, so that the tables it holds can be read.
   */
  private static Path scratch(Config config) {
    List<Path> roots = DatasetRoots.from(config).roots();
    String configured = config.hasPath(SCRATCH) ? config.getString(SCRATCH) : "";
    Path scratch = configured.isEmpty()
        ? roots.get(0).resolve("scratch")
        : Path.of(config.getString("paths.local")).resolve(configured).toAbsolutePath().normalize();
    try {
      scratch = Files.createDirectories(scratch).toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException(SCRATCH + ": " + scratch + " is not a usable directory: " + e.getMessage(), e);
    }
    Path real = scratch;
    if (roots.stream().noneMatch(real::startsWith)) {
      throw new IllegalArgumentException(SCRATCH + ": " + scratch + " is outside every directory of "
          + DatasetRoots.KEY + " " + roots + ", so the tables written there could not be read");
    }
    return scratch;
  }

  /** DuckDB's {@code memory_limit}, in bytes: the key's size, or a quarter of the machine's memory. */
  private static String memoryLimit(Config config) {
    long bytes;
    if ("auto".equals(config.getString(MEMORY_LIMIT))) {
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      bytes = os.getTotalMemorySize() / 4;
    } else {
      bytes = config.getBytes(MEMORY_LIMIT);
    }
    if (bytes < MIN_MEMORY) {
      throw new IllegalArgumentException(MEMORY_LIMIT + ": at least 64 MiB, got " + bytes + " bytes");
    }
    return bytes + "B";
  }

  private static Duration positive(Config config, String key) {
    Duration d = config.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + ": must be positive, got " + config.getString(key));
    }
    return d;
  }
}
