package io.mainstay.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One catalog entry. The document is copied in and out so an entry handed to several threads cannot be changed
 * through a shared array.
 */
public record CatalogEntry(String name, long version, long epoch, Instant updated, byte[] document) {

  public CatalogEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(updated, "updated");
    document = Objects.requireNonNull(document, "document").clone();
  }

  @Override
  public byte[] document() {
    return document.clone();
  }

  /** What {@link Catalog#list()} returns per entry: no document, so listing stays cheap for callers. */
  public record Summary(String name, long version) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof CatalogEntry other
        && name.equals(other.name)
        && version == other.version
        && epoch == other.epoch
        && updated.equals(other.updated)
        && Arrays.equals(document, other.document);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, epoch, updated, Arrays.hashCode(document));
  }

  @Override
  public String toString() {
    return "CatalogEntry[name=" + name + ", version=" + version + ", epoch=" + epoch + ", updated=" + updated
        + ", document=" + document.length + " bytes]";
  }
}
