package io.mainstay.extension;

import java.nio.file.Path;

/** What the runtime gives an executor service. */
public interface ExecutorContext {

  String node();

  /** How many fragments this executor runs at once ({@code services.executor.slots}). */
  int slots();

  /** The node's {@code paths.local} directory. */
  Path localPath();
}
