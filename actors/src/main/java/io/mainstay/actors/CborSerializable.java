package io.mainstay.actors;

/**
 * Marker of every message that crosses nodes: Pekko binds it to Jackson CBOR, and Java serialization
 * stays off, so a message that forgot the marker fails loudly instead of travelling in a fragile format.
 */
public interface CborSerializable {}
