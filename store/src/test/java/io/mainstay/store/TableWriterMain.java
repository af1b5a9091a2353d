package io.mainstay.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Child JVM: takes the store lock on args[0] as owner args[1], opens the store, begins the next epoch (printing
 * "EPOCH n"), then puts table entries forever, printing "ACK name version" after each put returns.
 */
public final class TableWriterMain {

  /** Names are reused so entries reach high versions and puts overwrite earlier values. */
  static final int NAMES = 37;

  public static void main(String[] args) throws Exception {
    StoreLock lock = StoreLock.tryAcquire(Path.of(args[0]), args[1]).orElseThrow();
    MetadataStore store = MetadataStore.open(lock);
    long epoch = store.epoch() + 1;
    store.beginEpoch(epoch, args[1], Instant.now());
    System.out.println("EPOCH " + epoch);
    Map<String, Long> versions = new HashMap<>();
    for (long i = 0; ; i++) {
      String name = "entry-" + (i % NAMES);
      long next = versions.computeIfAbsent(
          name, n -> store.tables().get("test", "docs", n).map(TableEntry::version).orElse(0L)) + 1;
      TableEntry entry = store.tables().put("test", "docs", name, document(name, next), epoch);
      if (entry.version() != next) {
        throw new IllegalStateException("put " + name + " returned version " + entry.version() + ", expected " + next);
      }
      versions.put(name, next);
      System.out.println("ACK " + name + " " + next);
      System.out.flush();
    }
  }

  /**
   * The document written for {@code name} at {@code version}, so a reader can check any stored entry. Sizes
   * vary from a few bytes to past LMDB's 4 KiB page, so some values live in overflow pages.
   */
  static byte[] document(String name, long version) {
    int padding = (int) Math.floorMod(version * 7919 + name.hashCode(), 9000L);
    StringBuilder json = new StringBuilder()
        .append("{\"name\":\"").append(name).append("\",\"version\":").append(version).append(",\"pad\":\"");
    for (int i = 0; i < padding; i++) {
      json.append((char) ('a' + (i + version) % 26));
    }
    return json.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
