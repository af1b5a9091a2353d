package io.mainstay.actors.probe;

import io.mainstay.actors.CborSerializable;

/** What an executor answers to a probe fragment: stamped with the epoch of the main that sent it. */
public sealed interface ProbeOutcome extends CborSerializable {

  String fragmentId();

  String node();

  long epoch();

  record Succeeded(String fragmentId, String node, long epoch, ProbeResult result) implements ProbeOutcome {}

  record Failed(String fragmentId, String node, long epoch, String error) implements ProbeOutcome {}
}
