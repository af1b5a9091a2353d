package io.mainstay.extension;

/** What a main service is told about its main's term. */
public sealed interface MainState {

  /** The ZooKeeper connection is suspended: refuse work, send nothing; a newer main may exist. */
  record Fenced(String reason) implements MainState {}

  /** The connection came back within the session: this node is still the main, at the same epoch. */
  record Resumed() implements MainState {}
}
