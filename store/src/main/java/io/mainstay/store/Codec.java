package io.mainstay.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * The on-disk layout of keys and values, written by hand so it stays stable across Java versions and readable
 * from any language. Every value starts with a layout byte so a future layout can be told apart from this one.
 * Numbers are big-endian, so epoch keys sort numerically under LMDB's byte-wise key order.
 */
final class Codec {

  private static final byte LAYOUT = 1;

  private Codec() {}

  static byte[] longValue(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static long readLong(byte[] bytes, String what) {
    if (bytes.length != Long.BYTES) {
      throw new StoreException("corrupt " + what + ": " + bytes.length + " bytes, expected " + Long.BYTES);
    }
    return ByteBuffer.wrap(bytes).getLong();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // Epoch record: layout, node length + UTF-8, since, has-until flag, [until].
  static byte[] encodeEpoch(EpochRecord record) {
    byte[] node = utf8(record.node());
    ByteBuffer buf = ByteBuffer.allocate(1 + Integer.BYTES + node.length + 12 + 1 + 12);
    buf.put(LAYOUT).putInt(node.length).put(node);
    putInstant(buf, record.since());
    buf.put((byte) (record.until().isPresent() ? 1 : 0));
    record.until().ifPresent(until -> putInstant(buf, until));
    return slice(buf);
  }

  static EpochRecord decodeEpoch(long epoch, byte[] value) {
    try {
      ByteBuffer buf = layout(value, "epoch " + epoch);
      String node = new String(bytes(buf, buf.getInt()), StandardCharsets.UTF_8);
      Instant since = getInstant(buf);
      Optional<Instant> until = buf.get() == 1 ? Optional.of(getInstant(buf)) : Optional.empty();
      return new EpochRecord(epoch, node, since, until);
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw new StoreException("corrupt record for epoch " + epoch, e);
    }
  }

  // Table value: layout, version, epoch, updated, value length + bytes. The key is LMDB's key.
  static byte[] encodeEntry(TableEntry entry) {
    byte[] value = entry.value();
    ByteBuffer buf = ByteBuffer.allocate(1 + 2 * Long.BYTES + 12 + Integer.BYTES + value.length);
    buf.put(LAYOUT).putLong(entry.version()).putLong(entry.epoch());
    putInstant(buf, entry.updated());
    buf.putInt(value.length).put(value);
    return buf.array();
  }

  static TableEntry decodeEntry(String key, byte[] stored) {
    try {
      ByteBuffer buf = layout(stored, "entry " + key);
      long version = buf.getLong();
      long epoch = buf.getLong();
      Instant updated = getInstant(buf);
      return new TableEntry(key, version, epoch, updated, bytes(buf, buf.getInt()));
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw new StoreException("corrupt entry " + key, e);
    }
  }

  /** Only the version, so listing versions does not copy every value. */
  static long entryVersion(String key, byte[] stored) {
    try {
      return layout(stored, "entry " + key).getLong();
    } catch (BufferUnderflowException e) {
      throw new StoreException("corrupt entry " + key, e);
    }
  }

  private static ByteBuffer layout(byte[] value, String what) {
    ByteBuffer buf = ByteBuffer.wrap(value);
    byte layout = buf.get();
    if (layout != LAYOUT) {
      throw new StoreException("unknown layout " + layout + " for " + what);
    }
    return buf;
  }

  private static byte[] bytes(ByteBuffer buf, int length) {
    if (length < 0 || length > buf.remaining()) {
      throw new IllegalArgumentException("length " + length + " exceeds the " + buf.remaining() + " bytes left");
    }
    byte[] out = new byte[length];
    buf.get(out);
    return out;
  }

  private static void putInstant(ByteBuffer buf, Instant instant) {
    buf.putLong(instant.getEpochSecond()).putInt(instant.getNano());
  }

  private static Instant getInstant(ByteBuffer buf) {
    return Instant.ofEpochSecond(buf.getLong(), buf.getInt());
  }

  private static byte[] slice(ByteBuffer buf) {
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }
}
