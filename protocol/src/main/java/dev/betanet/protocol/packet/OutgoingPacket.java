package dev.betanet.protocol.packet;

/**
 * A packet ready to send, and the node to send it to.
 *
 * @param packet a new array of the geometry's packet size, owned by the caller
 */
public record OutgoingPacket(NodeRef firstHop, byte[] packet) {}
