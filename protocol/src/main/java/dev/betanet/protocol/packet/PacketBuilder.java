package dev.betanet.protocol.packet;

import static dev.betanet.protocol.packet.PacketGeometry.EPHEMERAL_KEY_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.EPHEMERAL_KEY_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.KEY_ID_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.MAC_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.MAC_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.ROUTING_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_NEXT_EPHEMERAL;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_NEXT_KEY_ID;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_NEXT_MAC;
import static dev.betanet.protocol.packet.PacketGeometry.VERSION_OFFSET;

import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Builds forward packets, SURBs and replies (the router's side of the format).
 *
 * <p>Each hop gets its own ephemeral X25519 key, placed inside the layer the previous hop removes
 * (as in Outfox), so creating a packet costs two X25519 operations per hop and processing costs
 * one. The routing information is built back to front, Sphinx-style, with a filler computed front
 * to back so every hop sees a header of the same length.
 *
 * <p>Thread-safe: each thread has its own primitives and scratch state. The random source supplies
 * ephemeral keys, SURB ids and seeds and the routing padding; every symmetric key and nonce comes
 * from HKDF.
 */
public final class PacketBuilder {

  private static final byte[] SURB_INFO = "betanet/surb/v1".getBytes(StandardCharsets.US_ASCII);

  private static final ThreadLocal<Lioness> REPLY_LIONESS = ThreadLocal.withInitial(Lioness::new);

  private final PacketGeometry geometry;
  private final X25519 x25519;
  private final SecureRandom random;
  private final InstantSource clock;
  private final long timestampQuantumSeconds;
  private final ThreadLocal<Workspace> workspaces;

  /**
   * @param timestampQuantumSeconds packet timestamps are rounded down to a multiple of this, so
   *     that all packets made in one quantum carry the same value and the hops of one packet cannot
   *     use a fine timestamp to link it; at least 1 and well below the replay window
   */
  public PacketBuilder(
      PacketGeometry geometry,
      X25519 x25519,
      SecureRandom random,
      InstantSource clock,
      long timestampQuantumSeconds) {
    this.geometry = Objects.requireNonNull(geometry);
    this.x25519 = Objects.requireNonNull(x25519);
    this.random = Objects.requireNonNull(random);
    this.clock = Objects.requireNonNull(clock);
    if (timestampQuantumSeconds < 1) {
      throw new IllegalArgumentException("timestamp quantum is at least 1 s");
    }
    this.timestampQuantumSeconds = timestampQuantumSeconds;
    this.workspaces = ThreadLocal.withInitial(() -> new Workspace(geometry));
  }

  /** A builder with the system clock and a 10-second timestamp quantum. */
  public PacketBuilder(PacketGeometry geometry, X25519 x25519, SecureRandom random) {
    this(geometry, x25519, random, InstantSource.system(), 10);
  }

  public PacketGeometry geometry() {
    return geometry;
  }

  /**
   * A forward packet carrying {@code message} along {@code path}; the last hop (the exit) gets
   * {@link ProcessResult.Deliver}.
   *
   * @param path 1..maxHops hops, first to last
   * @param message 0..{@link PacketGeometry#messageCapacity()} bytes, not retained
   * @throws IllegalArgumentException for a path of the wrong length, an oversized message, or a hop
   *     whose public key is a low-order point
   */
  public OutgoingPacket forward(List<PathHop> path, byte[] message) {
    requirePath(path);
    byte[] packet = new byte[geometry.packetBytes()];
    Payload.encode(geometry, message, packet, geometry.headerBytes());
    byte[][] payloadKeys = writeHeader(path, new RoutingCommand.Deliver(), packet);
    Lioness lioness = workspaces.get().lioness;
    // Hop i decrypts with its key, so wrap the last hop's layer first.
    for (int i = payloadKeys.length - 1; i >= 0; i--) {
      lioness.encrypt(payloadKeys[i], 0, packet, geometry.headerBytes(), geometry.payloadBytes());
      Arrays.fill(payloadKeys[i], (byte) 0);
    }
    return new OutgoingPacket(path.getFirst().node(), packet);
  }

  /**
   * A SURB whose reply travels {@code path}; the last hop must be the creator's own node, which
   * reports {@link ProcessResult.ReplyDelivery} with the SURB's id.
   *
   * @throws IllegalArgumentException as {@link #forward}
   */
  public SurbPair surb(List<PathHop> path) {
    requirePath(path);
    SurbId id = SurbId.random(random);
    byte[] header = new byte[geometry.headerBytes()];
    byte[][] hopKeys = writeHeader(path, new RoutingCommand.DeliverReply(id), header);
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    byte[] replierKey = Hkdf.derive(HopSecrets.SALT, seed, SURB_INFO, Lioness.KEY_BYTES);
    Arrays.fill(seed, (byte) 0);
    Surb surb = new Surb(path.getFirst().node(), header, replierKey.clone());
    return new SurbPair(surb, new SurbSecrets(id, geometry, replierKey, hopKeys));
  }

  /**
   * The reply packet the holder of {@code surb} sends to {@link Surb#firstHop()}.
   *
   * @throws IllegalArgumentException for an oversized message or a SURB of another geometry
   */
  public static OutgoingPacket reply(PacketGeometry geometry, Surb surb, byte[] message) {
    if (surb.header().length != geometry.headerBytes()) {
      throw new IllegalArgumentException("the SURB was made for another packet geometry");
    }
    byte[] packet = new byte[geometry.packetBytes()];
    System.arraycopy(surb.header(), 0, packet, 0, geometry.headerBytes());
    Payload.encode(geometry, message, packet, geometry.headerBytes());
    REPLY_LIONESS
        .get()
        .encrypt(surb.payloadKey(), 0, packet, geometry.headerBytes(), geometry.payloadBytes());
    return new OutgoingPacket(surb.firstHop(), packet);
  }

  private void requirePath(List<PathHop> path) {
    if (path.isEmpty() || path.size() > geometry.maxHops()) {
      throw new IllegalArgumentException(
          "a path has 1.." + geometry.maxHops() + " hops, got " + path.size());
    }
  }

  /**
   * Writes the header for {@code path} to {@code out[0 .. headerBytes)} and returns each hop's
   * 128-byte payload key (the caller wipes them).
   */
  private byte[][] writeHeader(List<PathHop> path, RoutingCommand finalCommand, byte[] out) {
    int hops = path.size();
    int routingBytes = geometry.routingBytes();
    int streamBytes = routingBytes + SLOT_BYTES;
    long timestamp = clock.millis() / 1000 / timestampQuantumSeconds * timestampQuantumSeconds;
    Workspace ws = workspaces.get();

    byte[][] ephemeralPublic = new byte[hops][];
    byte[][] secrets = new byte[hops][];
    byte[][] streams = new byte[hops][];
    byte[][] payloadKeys = new byte[hops][];
    for (int i = 0; i < hops; i++) {
      PathHop hop = path.get(i);
      random.nextBytes(ws.ephemeral);
      ephemeralPublic[i] = x25519.publicKey(ws.ephemeral);
      if (!x25519.agree(ws.ephemeral, hop.publicKeyUnsafe(), ws.shared)) {
        throw new IllegalArgumentException("hop " + i + " has a low-order X25519 public key");
      }
      ws.secrets.derive(ws.hkdf, ws.shared, ephemeralPublic[i]);
      secrets[i] = ws.secrets.material.clone();
      streams[i] = new byte[streamBytes];
      ws.chacha.xor(
          secrets[i],
          HopSecrets.HEADER_KEY,
          secrets[i],
          HopSecrets.HEADER_NONCE,
          0,
          streams[i],
          0,
          streamBytes);
      payloadKeys[i] =
          Arrays.copyOfRange(
              secrets[i], HopSecrets.PAYLOAD_KEY, HopSecrets.PAYLOAD_KEY + Lioness.KEY_BYTES);
    }
    Arrays.fill(ws.ephemeral, (byte) 0);
    Arrays.fill(ws.shared, (byte) 0);

    // Filler: what hops 0..n-2 shift into the end of the routing information. After hop i it is
    // (filler of hop i-1 | zeros(slot)) xor the last (i+1) slots of hop i's stream.
    byte[] filler = new byte[(hops - 1) * SLOT_BYTES];
    for (int i = 0; i < hops - 1; i++) {
      int from = routingBytes - i * SLOT_BYTES;
      for (int j = 0; j < (i + 1) * SLOT_BYTES; j++) {
        filler[j] ^= streams[i][from + j];
      }
    }

    // The last hop's routing information: its slot, random padding, then the filler.
    byte[] routing = new byte[routingBytes];
    int last = hops - 1;
    RoutingSlot.write(finalCommand, timestamp, routing, 0);
    byte[] padding = new byte[routingBytes - hops * SLOT_BYTES];
    random.nextBytes(padding);
    System.arraycopy(padding, 0, routing, SLOT_BYTES, padding.length);
    int clearBytes = routingBytes - filler.length;
    for (int j = 0; j < clearBytes; j++) {
      routing[j] ^= streams[last][j];
    }
    System.arraycopy(filler, 0, routing, clearBytes, filler.length);
    byte[] header = out;
    writeClearPart(path.get(last), ephemeralPublic[last], routing, secrets[last], ws, header);

    // Wrap the other hops, back to front: hop i's slot names hop i+1 and carries its header.
    for (int i = last - 1; i >= 0; i--) {
      byte[] next = new byte[routingBytes];
      PathHop hop = path.get(i);
      RoutingSlot.write(
          new RoutingCommand.Relay(path.get(i + 1).node(), hop.delayMillis()), timestamp, next, 0);
      next[SLOT_NEXT_KEY_ID] = header[KEY_ID_OFFSET];
      System.arraycopy(
          header, EPHEMERAL_KEY_OFFSET, next, SLOT_NEXT_EPHEMERAL, EPHEMERAL_KEY_BYTES);
      System.arraycopy(header, MAC_OFFSET, next, SLOT_NEXT_MAC, MAC_BYTES);
      System.arraycopy(routing, 0, next, SLOT_BYTES, routingBytes - SLOT_BYTES);
      for (int j = 0; j < routingBytes; j++) {
        next[j] ^= streams[i][j];
      }
      routing = next;
      writeClearPart(hop, ephemeralPublic[i], routing, secrets[i], ws, header);
    }
    for (byte[] secret : secrets) {
      Arrays.fill(secret, (byte) 0);
    }
    ws.secrets.wipe();
    return payloadKeys;
  }

  /** Writes version, key id, ephemeral key, routing information and MAC of one layer. */
  private void writeClearPart(
      PathHop hop,
      byte[] ephemeralPublic,
      byte[] routing,
      byte[] secrets,
      Workspace ws,
      byte[] header) {
    header[VERSION_OFFSET] = (byte) PacketGeometry.VERSION;
    header[KEY_ID_OFFSET] = (byte) KeyRing.keyId(hop.keyEpoch());
    System.arraycopy(ephemeralPublic, 0, header, EPHEMERAL_KEY_OFFSET, EPHEMERAL_KEY_BYTES);
    System.arraycopy(routing, 0, header, ROUTING_OFFSET, routing.length);
    System.arraycopy(secrets, 0, ws.secrets.material, 0, HopSecrets.BYTES);
    ws.headerMac(header, routing.length, ws.tag);
    System.arraycopy(ws.tag, 0, header, MAC_OFFSET, MAC_BYTES);
  }
}
