package dev.betanet.protocol.packet;

/**
 * A new SURB and the secrets its creator keeps.
 *
 * @param surb send this (serialized) to the party that will reply
 * @param secrets keep this, keyed by {@link SurbSecrets#surbId()}, to open the reply
 */
public record SurbPair(Surb surb, SurbSecrets secrets) {}
