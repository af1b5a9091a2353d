package io.mainstay.extension;

import com.typesafe.config.Config;
import java.nio.file.Path;

/** What the runtime gives an executor service. */
public interface ExecutorContext {

  String node();

  /** How many fragments this executor runs at once ({@code services.executor.slots}). */
  int slots();

  /** The node's {@code paths.local} directory. */
  Path localPath();

  /**
   * The node's configuration, its file over the defaults ({@code paths.local} absolute): an extension
   * reads its own keys here, and checks them itself.
   */
  Config config();
}
