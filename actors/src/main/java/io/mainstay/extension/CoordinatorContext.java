package io.mainstay.extension;

/** What the runtime gives a coordinator service. */
public interface CoordinatorContext {

  String node();
}
