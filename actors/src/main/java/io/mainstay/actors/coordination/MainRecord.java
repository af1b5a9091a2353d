package io.mainstay.actors.coordination;

import java.time.Instant;

/** The active main as published in ZooKeeper: what clients and other nodes need to find and trust it. */
public record MainRecord(String node, String host, String webUrl, String pekkoAddress, long epoch, Instant since) {}
