package io.mainstay.actors.coordination;

/**
 * A candidate's place in the election line: its node name and the znode that holds its place (a dead
 * main's entry outlives its process until its session expires, and a restarted node of the same name
 * queues anew under another path, so the path tells the two apart).
 */
public record ElectionEntry(String node, String path) {}
