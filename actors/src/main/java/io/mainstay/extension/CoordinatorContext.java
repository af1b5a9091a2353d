package io.mainstay.extension;

import com.typesafe.config.Config;
/** What the runtime gives a coordinator service. */
public interface CoordinatorContext {

  String node();

  /**
   * The node's configuration, its file over the defaults ({@code paths.local} absolute): an extension
   * reads its own keys here, and checks them itself.
   */
  Config config();
}
