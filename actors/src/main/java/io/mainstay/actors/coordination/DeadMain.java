package io.mainstay.actors.coordination;

/**
 * A main proven gone (its successor holds the store lock it held), with what it left in ZooKeeper that its
 * session would otherwise keep for a whole timeout: its {@code main} record and its election entry.
 */
public record DeadMain(ElectionEntry entry, MainRecord record) {}
