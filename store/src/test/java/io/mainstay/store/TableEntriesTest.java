package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Versions, epochs and byte-for-byte values of table entries. */
class TableEntriesTest {

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);
  private MetadataStore store;
  private Tables tables;

  @BeforeEach
  void open() {
    store = opened.store();
    tables = store.tables();
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheSameEntry() {
    Instant before = Instant.now();
    TableEntry put = tables.put("test", "docs", "sales.q1", json("{\"rows\":12}"), 1);

    TableEntry got = tables.get("test", "docs", "sales.q1").orElseThrow();
    assertEquals(put, got);
    assertEquals("sales.q1", got.key());
    assertEquals(1, got.version());
    assertEquals(1, got.epoch());
    assertFalse(got.updated().isBefore(before), "updated " + got.updated() + " before " + before);
    assertArrayEquals(json("{\"rows\":12}"), got.value());
    assertTrue(tables.get("test", "docs", "absent").isEmpty());
  }

  @Test
  void valuesAreStoredByteForByte() {
    byte[] binary = new byte[70_000];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31);
    }
    tables.put("test", "docs", "big", binary, 1);
    tables.put("test", "docs", "empty", new byte[0], 1);

    assertArrayEquals(binary, tables.get("test", "docs", "big").orElseThrow().value());
    assertArrayEquals(new byte[0], tables.get("test", "docs", "empty").orElseThrow().value());
  }

  @Test
  void versionsIncrementPerKey() {
    assertEquals(1, tables.put("test", "docs", "a", json("1"), 1).version());
    assertEquals(2, tables.put("test", "docs", "a", json("2"), 1).version());
    assertEquals(1, tables.put("test", "docs", "b", json("1"), 1).version());
    assertEquals(3, tables.put("test", "docs", "a", json("3"), 1).version());

    TableEntry a = tables.get("test", "docs", "a").orElseThrow();
    assertEquals(3, a.version());
    assertArrayEquals(json("3"), a.value());
  }

  @Test
  void deleteRemovesAndRecreationStartsAtVersionOne() {
    tables.put("test", "docs", "gone", json("1"), 1);
    tables.put("test", "docs", "gone", json("2"), 1);

    assertTrue(tables.delete("test", "docs", "gone", 1));
    assertTrue(tables.get("test", "docs", "gone").isEmpty());
    assertFalse(tables.delete("test", "docs", "gone", 1));
    assertEquals(1, tables.put("test", "docs", "gone", json("again"), 1).version());
  }

  @Test
  void versionsAreListedInKeyOrder() {
    for (String name : List.of("zeta", "Alpha", "alpha", "beta-2", "beta.1", "0day", "beta_3")) {
      tables.put("test", "docs", name, json("{}"), 1);
    }
    tables.put("test", "docs", "beta.1", json("{}"), 1);

    assertEquals(
        List.of(
            new TableEntry.Version("0day", 1),
            new TableEntry.Version("Alpha", 1),
            new TableEntry.Version("alpha", 1),
            new TableEntry.Version("beta-2", 1),
            new TableEntry.Version("beta.1", 2),
            new TableEntry.Version("beta_3", 1),
            new TableEntry.Version("zeta", 1)),
        tables.versions("test", "docs"));
  }

  @Test
  void writesFromAnOlderEpochAreRefusedAndChangeNothing() {
    tables.put("test", "docs", "x", json("epoch 1"), 1);
    store.beginEpoch(2, "node-b", Instant.now());

    StaleEpochException put = assertThrows(StaleEpochException.class, () -> tables.put("test", "docs", "x", json("late"), 1));
    assertTrue(put.getMessage().contains("1") && put.getMessage().contains("2"), put.getMessage());
    assertEquals(1, put.refused());
    assertEquals(2, put.current());
    assertThrows(StaleEpochException.class, () -> tables.put("test", "docs", "new", json("late"), 1));
    assertThrows(StaleEpochException.class, () -> tables.delete("test", "docs", "x", 1));

    TableEntry x = tables.get("test", "docs", "x").orElseThrow();
    assertEquals(1, x.version());
    assertArrayEquals(json("epoch 1"), x.value());
    assertTrue(tables.get("test", "docs", "new").isEmpty());

    TableEntry current = tables.put("test", "docs", "x", json("epoch 2"), 2);
    assertEquals(2, current.version());
    assertEquals(2, current.epoch());
  }

  @Test
  void entriesDoNotShareTheirValueArray() {
    byte[] document = json("{\"a\":1}");
    TableEntry entry = tables.put("test", "docs", "copy", document, 1);
    document[0] = 'X';
    entry.value()[0] = 'Y';

    assertArrayEquals(json("{\"a\":1}"), entry.value());
    assertArrayEquals(json("{\"a\":1}"), tables.get("test", "docs", "copy").orElseThrow().value());
  }
}
