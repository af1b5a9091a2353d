package io.mainstay.actors.probe;

import io.mainstay.actors.CborSerializable;

/** What the probe fragment measures on an executor. */
public record ProbeResult(
    long freeHeapBytes, long maxHeapBytes, long freeDiskBytes, String diskPath, double loadAverage, int cores)
    implements CborSerializable {}
