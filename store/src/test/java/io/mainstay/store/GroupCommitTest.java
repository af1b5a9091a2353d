package io.mainstay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MetadataStore#commitTogether}: many writes, one commit; each write stands or falls alone. */
class GroupCommitTest {

  @RegisterExtension final StoreAtEpoch opened = new StoreAtEpoch(2);
  private MetadataStore store;

  @BeforeEach
  void open() {
    store = opened.store();
  }

  @Test
  void writesOfOneBatchCommitTogetherAndSeeEachOther() {
    List<Long> versions = store.commitTogether(() -> List.of(
        put("a", 2).version(), put("a", 2).version(), put("b", 2).version()));
    assertEquals(List.of(1L, 2L, 1L), versions, "the second put of a sees the first, though neither is committed yet");
    assertEquals(2, store.tables().get("test", "docs", "a").orElseThrow().version());
    assertTrue(store.tables().get("test", "docs", "b").isPresent());
  }

  @Test
  void aWriteThatFailsLeavesNothingAndTheOthersStillCommit() {
    List<String> outcomes = store.commitTogether(() -> {
      List<String> out = new ArrayList<>();
      out.add("a v" + put("a", 2).version());
      try {
        put("stale", 1);
        out.add("stale written");
      } catch (StaleEpochException refused) {
        out.add("stale refused");
      }
      out.add("deleted a: " + store.tables().delete("test", "docs", "a", 2));
      out.add("c v" + put("c", 2).version());
      return out;
    });
    assertEquals(List.of("a v1", "stale refused", "deleted a: true", "c v1"), outcomes);
    assertEquals(Optional.empty(), store.tables().get("test", "docs", "stale"));
    assertEquals(Optional.empty(), store.tables().get("test", "docs", "a"));
    assertEquals(1, store.tables().get("test", "docs", "c").orElseThrow().version());
  }

  @Test
  void nothingIsVisibleBeforeTheBatchCommits() {
    boolean seenDuringBatch = store.commitTogether(() -> {
      put("pending", 2);
      return CompletableFuture.supplyAsync(() -> store.tables().get("test", "docs", "pending").isPresent()).join();
    });
    assertEquals(false, seenDuringBatch, "another thread read the batch before its commit");
    assertTrue(store.tables().get("test", "docs", "pending").isPresent());
  }

  @Test
  void aBatchThatThrowsCommitsNothing() {
    assertThrows(IllegalStateException.class, () -> store.commitTogether(() -> {
      put("x", 2);
      throw new IllegalStateException("the caller gave up");
    }));
    assertEquals(Optional.empty(), store.tables().get("test", "docs", "x"));
    assertEquals(1, put("x", 2).version(), "the store still takes writes");
  }

  @Test
  void batchesDoNotNest() {
    assertThrows(IllegalStateException.class, () -> store.commitTogether(() -> store.commitTogether(() -> put("y", 2))));
    assertEquals(Optional.empty(), store.tables().get("test", "docs", "y"));
  }

  private TableEntry put(String name, long epoch) {
    return store.tables().put("test", "docs", name, "{}".getBytes(StandardCharsets.UTF_8), epoch);
  }
}
