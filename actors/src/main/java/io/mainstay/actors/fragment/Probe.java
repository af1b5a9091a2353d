package io.mainstay.actors.fragment;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The probe fragment: a health reading an operator wants from every executor at once. */
public final class Probe {

  private Probe() {}

  public static ProbeResult run(Path localPath) throws IOException {
    Runtime runtime = Runtime.getRuntime();
    long usedHeap = runtime.totalMemory() - runtime.freeMemory();
    return new ProbeResult(
        runtime.maxMemory() - usedHeap,
        runtime.maxMemory(),
        Files.getFileStore(localPath).getUsableSpace(),
        localPath.toString(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        runtime.availableProcessors());
  }
}
