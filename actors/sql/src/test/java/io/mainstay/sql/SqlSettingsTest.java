package io.mainstay.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlSettingsTest {

  @TempDir Path local;

  private Config config(String more) {
    return ConfigFactory.parseString(more).withFallback(ConfigFactory.parseString(
        "paths.local: \"" + local + "\"\n"
        + "sql { memory-limit: 256 MiB, exchange.port: 0, exchange.executor-port: 0, broadcast-threshold: 64 MiB,"
        + " partitioned-joins: false, jobs { results-retention: 1h, kept: 10, max-age: 30d, executor-wait: 60s,"
        + " coordinator-grace: 15s } }"));
  }

  @Test
  void readsTheExchangePortsOfBothRoles() {
    SqlSettings settings = SqlSettings.from(config("sql.exchange { port: 47470, executor-port: 47471 }"));
    assertEquals(47470, settings.exchangePort());
    assertEquals(47471, settings.executorExchangePort());
    assertEquals(64L << 20, settings.broadcastBytes());
  }

  @Test
  void refusesOnePortForBothAndOneOutOfRangeNamingTheKeys() {
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
        () -> SqlSettings.from(config("sql.exchange { port: 47470, executor-port: 47470 }")));
    assertTrue(same.getMessage().contains(SqlSettings.EXCHANGE_PORT)
        && same.getMessage().contains(SqlSettings.EXECUTOR_EXCHANGE_PORT), same.getMessage());
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> SqlSettings.from(config("sql.exchange.executor-port: 70000")));
    assertTrue(range.getMessage().startsWith(SqlSettings.EXECUTOR_EXCHANGE_PORT), range.getMessage());
    // both free: any two ports
    assertEquals(0, SqlSettings.from(config("")).executorExchangePort());
  }
}
