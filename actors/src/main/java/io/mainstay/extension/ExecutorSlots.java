package io.mainstay.extension;

/** A registered executor and how many fragments it runs at once. */
public record ExecutorSlots(String node, int slots) {}
