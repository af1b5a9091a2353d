package io.mainstay.store;

/**
 * A write carried an epoch older than the newest one the store has recorded (fencing wall 3), or a new epoch
 * was not newer than it.
 */
public final class StaleEpochException extends StoreException {

  private final long refused;
  private final long current;

  public StaleEpochException(long refused, long current) {
    super("epoch " + refused + " is stale: the store is at epoch " + current);
    this.refused = refused;
    this.current = current;
  }

  /** The epoch the caller presented. */
  public long refused() {
    return refused;
  }

  /** The store's epoch when it refused. */
  public long current() {
    return current;
  }
}
