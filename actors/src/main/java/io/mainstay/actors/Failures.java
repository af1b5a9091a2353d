package io.mainstay.actors;

import java.util.concurrent.CompletionException;

/** Failures as they come out of {@code CompletableFuture}s: wrapped in a CompletionException. */
public final class Failures {

  private Failures() {}

  /** The failure itself, without the CompletionException a future stage wraps it in. */
  public static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
