package io.mainstay.runtime.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Launches child JVMs and remembers every one, so that {@link #destroyAll()} leaves none running. */
final class Processes {

  private final List<ChildJvm> started = new ArrayList<>();

  synchronized ChildJvm start(
      String name,
      Path logFile,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      ChildJvm.LineListener listener) {
    ChildJvm child = ChildJvm.start(name, logFile, jvmOptions, mainClass, args, listener);
    started.add(child);
    return child;
  }

  /** SIGKILL to every child still running, then waits for each to be gone. */
  void destroyAll() {
    List<ChildJvm> children;
    synchronized (this) {
      children = new ArrayList<>(started);
    }
    children.forEach(ChildJvm::kill9);
    children.forEach(ChildJvm::destroy);
  }
}
