package io.mainstay.extension;

import java.util.Optional;

/** A request that needs the main reached a node that is not the main; carries the main's URL if known. */
public final class NotMainException extends RuntimeException {

  private final Optional<String> mainUrl;

  public NotMainException(String message, Optional<String> mainUrl) {
    super(message);
    this.mainUrl = mainUrl;
  }

  public Optional<String> mainUrl() {
    return mainUrl;
  }
}
