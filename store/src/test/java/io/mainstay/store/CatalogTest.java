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

class CatalogTest {

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(1);
  private MetadataStore store;
  private Catalog catalog;

  @BeforeEach
  void open() {
    store = opened.store();
    catalog = store.catalog();
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheSameEntry() {
    Instant before = Instant.now();
    CatalogEntry put = catalog.put("sales.q1", json("{\"rows\":12}"), 1);

    CatalogEntry got = catalog.get("sales.q1").orElseThrow();
    assertEquals(put, got);
    assertEquals("sales.q1", got.name());
    assertEquals(1, got.version());
    assertEquals(1, got.epoch());
    assertFalse(got.updated().isBefore(before), "updated " + got.updated() + " before " + before);
    assertArrayEquals(json("{\"rows\":12}"), got.document());
    assertTrue(catalog.get("absent").isEmpty());
  }

  @Test
  void documentsAreStoredByteForByte() {
    byte[] binary = new byte[70_000];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31);
    }
    catalog.put("big", binary, 1);
    catalog.put("empty", new byte[0], 1);

    assertArrayEquals(binary, catalog.get("big").orElseThrow().document());
    assertArrayEquals(new byte[0], catalog.get("empty").orElseThrow().document());
  }

  @Test
  void versionsIncrementPerName() {
    assertEquals(1, catalog.put("a", json("1"), 1).version());
    assertEquals(2, catalog.put("a", json("2"), 1).version());
    assertEquals(1, catalog.put("b", json("1"), 1).version());
    assertEquals(3, catalog.put("a", json("3"), 1).version());

    CatalogEntry a = catalog.get("a").orElseThrow();
    assertEquals(3, a.version());
    assertArrayEquals(json("3"), a.document());
  }

  @Test
  void deleteRemovesAndRecreationStartsAtVersionOne() {
    catalog.put("gone", json("1"), 1);
    catalog.put("gone", json("2"), 1);

    assertTrue(catalog.delete("gone", 1));
    assertTrue(catalog.get("gone").isEmpty());
    assertFalse(catalog.delete("gone", 1));
    assertEquals(1, catalog.put("gone", json("again"), 1).version());
  }

  @Test
  void listIsSortedByNameWithVersions() {
    for (String name : List.of("zeta", "Alpha", "alpha", "beta-2", "beta.1", "0day", "beta_3")) {
      catalog.put(name, json("{}"), 1);
    }
    catalog.put("beta.1", json("{}"), 1);

    assertEquals(
        List.of(
            new CatalogEntry.Summary("0day", 1),
            new CatalogEntry.Summary("Alpha", 1),
            new CatalogEntry.Summary("alpha", 1),
            new CatalogEntry.Summary("beta-2", 1),
            new CatalogEntry.Summary("beta.1", 2),
            new CatalogEntry.Summary("beta_3", 1),
            new CatalogEntry.Summary("zeta", 1)),
        catalog.list());
  }

  @Test
  void writesFromAnOlderEpochAreRefusedAndChangeNothing() {
    catalog.put("x", json("epoch 1"), 1);
    store.beginEpoch(2, "node-b", Instant.now());

    StaleEpochException put = assertThrows(StaleEpochException.class, () -> catalog.put("x", json("late"), 1));
    assertTrue(put.getMessage().contains("1") && put.getMessage().contains("2"), put.getMessage());
    assertEquals(1, put.refused());
    assertEquals(2, put.current());
    assertThrows(StaleEpochException.class, () -> catalog.put("new", json("late"), 1));
    assertThrows(StaleEpochException.class, () -> catalog.delete("x", 1));

    CatalogEntry x = catalog.get("x").orElseThrow();
    assertEquals(1, x.version());
    assertArrayEquals(json("epoch 1"), x.document());
    assertTrue(catalog.get("new").isEmpty());

    CatalogEntry current = catalog.put("x", json("epoch 2"), 2);
    assertEquals(2, current.version());
    assertEquals(2, current.epoch());
  }

  @Test
  void invalidNamesAreRejected() {
    for (String name : new String[] {null, "", "a b", "a/b", "é", "x".repeat(256)}) {
      assertFalse(Catalog.isValidName(name), String.valueOf(name));
      assertThrows(IllegalArgumentException.class, () -> catalog.put(name, json("{}"), 1), String.valueOf(name));
      assertThrows(IllegalArgumentException.class, () -> catalog.get(name), String.valueOf(name));
      assertThrows(IllegalArgumentException.class, () -> catalog.delete(name, 1), String.valueOf(name));
    }
    assertTrue(Catalog.isValidName("x".repeat(255)));
    assertTrue(Catalog.isValidName("A-z_0.9"));
    assertTrue(catalog.list().isEmpty());
  }

  @Test
  void entriesDoNotShareTheirDocumentArray() {
    byte[] document = json("{\"a\":1}");
    CatalogEntry entry = catalog.put("copy", document, 1);
    document[0] = 'X';
    entry.document()[0] = 'Y';

    assertArrayEquals(json("{\"a\":1}"), entry.document());
    assertArrayEquals(json("{\"a\":1}"), catalog.get("copy").orElseThrow().document());
  }
}
