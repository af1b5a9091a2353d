package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TablesTest {

  @RegisterExtension final StoreAtEpoch fixture = new StoreAtEpoch(3);
  private Tables tables;

  @BeforeEach
  void open() {
    tables = fixture.store().tables();
  }

  @Test
  void tablesOfOneExtensionAndOfTwoExtensionsDoNotSeeEachOther() {
    assertEquals(1, tables.put("checksum", "jobs", "a", bytes("1"), 3).version());
    assertEquals(2, tables.put("checksum", "jobs", "a", bytes("2"), 3).version());
    tables.put("checksum", "jobs", "b", bytes("3"), 3);
    tables.put("checksum", "parts", "a", bytes("4"), 3);
    tables.put("checksum-x", "jobs", "a", bytes("5"), 3);
    tables.put("check", "jobs", "a", bytes("6"), 3);

    List<TableEntry> jobs = tables.list("checksum", "jobs");
    assertEquals(List.of("a", "b"), jobs.stream().map(TableEntry::key).toList());
    assertArrayEquals(bytes("2"), jobs.get(0).value());
    assertArrayEquals(bytes("4"), tables.get("checksum", "parts", "a").orElseThrow().value());
    assertTrue(tables.delete("checksum", "jobs", "a", 3));
    assertFalse(tables.delete("checksum", "jobs", "a", 3));
    assertTrue(tables.get("checksum", "jobs", "a").isEmpty());
    assertEquals(1, tables.list("check", "jobs").size());
  }

  @Test
  void aDeposedWriterIsRefusedByTheStore() {
    fixture.store().beginEpoch(4, "newer", java.time.Instant.now());
    assertThrows(StaleEpochException.class, () -> tables.put("checksum", "jobs", "a", bytes("1"), 3));
    assertThrows(StaleEpochException.class, () -> tables.delete("checksum", "jobs", "a", 3));
    assertTrue(tables.get("checksum", "jobs", "a").isEmpty());
  }

  @Test
  void badNamesAndKeysAreRefusedWithTheRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tables.put("Checksum", "jobs", "a", bytes("1"), 3));
    assertTrue(e.getMessage().contains("namespace 'Checksum'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tables.get("checksum", "jobs", "a\0b"));
    assertThrows(IllegalArgumentException.class, () -> tables.get("checksum", "jobs", "x".repeat(401)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
