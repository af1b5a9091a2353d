package io.mainstay.extension;

/** The store refused or could not confirm a write (fenced, deposed, closed), or could not be read. */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message) {
    super(message);
  }
}
