package io.mainstay.store;

/** Any failure of the metadata store: closed, not lock-protected, full, corrupt, or refused. */
public class StoreException extends RuntimeException {

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
