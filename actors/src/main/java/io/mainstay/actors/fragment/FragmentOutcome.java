package io.mainstay.actors.fragment;

import io.mainstay.actors.CborSerializable;

/** What an executor answers to a fragment: stamped with the epoch of the main that sent it. */
public sealed interface FragmentOutcome extends CborSerializable {

  String fragmentId();

  String node();

  long epoch();

  record Succeeded(String fragmentId, String node, long epoch, ProbeResult result) implements FragmentOutcome {}

  record Failed(String fragmentId, String node, long epoch, String error) implements FragmentOutcome {}
}
