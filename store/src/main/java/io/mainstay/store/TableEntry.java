package io.mainstay.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a table: its value and when, by which epoch, and at which version (1 for a new key, one
 * more at each put) it was written. The value is copied in and out so an entry handed to several threads
 * cannot be changed through a shared array.
 */
public record TableEntry(String key, long version, long epoch, Instant updated, byte[] value) {

  public TableEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(updated, "updated");
    value = Objects.requireNonNull(value, "value").clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** What {@link Tables#versions} returns per entry: no value, so listing stays cheap for callers. */
  public record Version(String key, long version) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof TableEntry other
        && key.equals(other.key)
        && version == other.version
        && epoch == other.epoch
        && updated.equals(other.updated)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, version, epoch, updated, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return "TableEntry[key=" + key + ", version=" + version + ", epoch=" + epoch + ", updated=" + updated
        + ", value=" + value.length + " bytes]";
  }
}
