package io.mainstay.sql.exchange;

import io.mainstay.actors.CborSerializable;

/** Where a coordinator receives the fragments' results: its Flight endpoint. */
public record ExchangeAddress(String host, int port) implements CborSerializable {}
