package io.mainstay.sql.jobs;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Job ids are UUIDs of version 7: their text sorts by creation time, so the store's key order is the jobs'
 * order and "newest first" is a reverse scan.
 */
final class JobIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private JobIds() {}

  static String next() {
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0fffL);
    long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
