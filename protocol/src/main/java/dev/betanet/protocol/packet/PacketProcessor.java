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

import dev.betanet.protocol.crypto.HmacSha256;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.packet.PacketException.Kind;
import dev.betanet.protocol.replay.ReplayFilter;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Processes one layer of a packet at a node (mixnode or router): the mixnode's side of the format.
 *
 * <p>Checks run in a fixed order, cheapest and most public first, and the first failure is
 * reported: exact length, version, key id, X25519 with the selected key (the node's one public-key
 * operation per packet), constant-time header MAC, routing command, timestamp window (and, with a
 * {@link dev.betanet.protocol.replay.SinceStartReplayFilter}, not before the process), replay tag;
 * only then is the payload decrypted. The replay tag is recorded only for packets whose MAC
 * verifies, so forged packets cannot fill the filter.
 *
 * <p>Thread-safe: each thread gets its own primitives and scratch buffers. Create one processor per
 * key ring; share one {@link ReplayFilter} between the processors of successive rings.
 */
public final class PacketProcessor {

  private final PacketGeometry geometry;
  private final KeyRing keys;
  private final ReplayFilter replayFilter;
  private final X25519 x25519;
  private final ThreadLocal<Workspace> workspaces;

  public PacketProcessor(
      PacketGeometry geometry, KeyRing keys, ReplayFilter replayFilter, X25519 x25519) {
    this.geometry = Objects.requireNonNull(geometry);
    this.keys = Objects.requireNonNull(keys);
    this.replayFilter = Objects.requireNonNull(replayFilter);
    this.x25519 = Objects.requireNonNull(x25519);
    this.workspaces = ThreadLocal.withInitial(() -> new Workspace(geometry));
  }

  public PacketGeometry geometry() {
    return geometry;
  }

  /**
   * Removes this node's layer from {@code packet}, in place.
   *
   * @param packet one packet; on {@link ProcessResult.Forward} it is the returned packet (same
   *     array, processed); after any other outcome or an exception its content is unspecified
   * @return what to do next: forward, deliver the message (exit) or deliver a reply (SURB creator)
   * @throws PacketException when the packet is refused; {@link PacketException#kind()} says why
   */
  public ProcessResult process(byte[] packet) throws PacketException {
    if (packet.length != geometry.packetBytes()) {
      throw new PacketException(
          Kind.INVALID_LENGTH,
          "got " + packet.length + " bytes, expected " + geometry.packetBytes());
    }
    int version = packet[VERSION_OFFSET] & 0xFF;
    if (version != PacketGeometry.VERSION) {
      throw new PacketException(
          Kind.UNKNOWN_VERSION, "version " + version + ", expected " + PacketGeometry.VERSION);
    }
    int keyId = packet[KEY_ID_OFFSET] & 0xFF;
    KeyRing.Entry key = keys.find(keyId);
    if (key == null) {
      throw new PacketException(
          Kind.UNKNOWN_KEY, "no key with id " + keyId + " (holding " + heldKeyIds() + ")");
    }
    Workspace ws = workspaces.get();
    try {
      return peel(packet, key, ws);
    } finally {
      ws.secrets.wipe();
      Arrays.fill(ws.shared, (byte) 0);
    }
  }

  private ProcessResult peel(byte[] packet, KeyRing.Entry key, Workspace ws)
      throws PacketException {
    int routingBytes = geometry.routingBytes();
    System.arraycopy(packet, EPHEMERAL_KEY_OFFSET, ws.ephemeral, 0, EPHEMERAL_KEY_BYTES);
    if (!key.key().agree(x25519, ws.ephemeral, ws.shared)) {
      throw new PacketException(Kind.INVALID_KEY, "ephemeral key is a low-order point");
    }
    HopSecrets secrets = ws.secrets;
    secrets.derive(ws.hkdf, ws.shared, ws.ephemeral);
    ws.headerMac(packet, routingBytes, ws.tag);
    if (!HmacSha256.tagsEqual(ws.tag, 0, packet, MAC_OFFSET)) {
      throw new PacketException(Kind.INVALID_MAC, "header MAC does not verify");
    }

    // Decrypt the routing information extended by one zero slot; the extension becomes the
    // (pseudo-random) tail of the next hop's routing information, so its length never changes.
    byte[] routing = ws.routing;
    System.arraycopy(packet, ROUTING_OFFSET, routing, 0, routingBytes);
    Arrays.fill(routing, routingBytes, routing.length, (byte) 0);
    byte[] material = secrets.material;
    ws.chacha.xor(
        material,
        HopSecrets.HEADER_KEY,
        material,
        HopSecrets.HEADER_NONCE,
        0,
        routing,
        0,
        routing.length);
    RoutingCommand command = RoutingSlot.parse(routing, 0);

    long timestampMillis = RoutingSlot.timestampSeconds(routing, 0) * 1000;
    switch (replayFilter.check(material, HopSecrets.REPLAY_TAG, timestampMillis)) {
      case FRESH -> {}
      case EXPIRED ->
          throw new PacketException(
              Kind.EXPIRED, "timestamp " + timestampMillis / 1000 + " s is outside the window");
      case REPLAY -> throw new PacketException(Kind.REPLAY, "packet seen before");
      case BEFORE_START ->
          throw new PacketException(
              Kind.BEFORE_START,
              "timestamp " + timestampMillis / 1000 + " s is older than this node process");
    }

    int payloadOffset = geometry.headerBytes();
    ws.lioness.decrypt(
        material, HopSecrets.PAYLOAD_KEY, packet, payloadOffset, geometry.payloadBytes());

    return switch (command) {
      case RoutingCommand.Relay relay -> {
        packet[KEY_ID_OFFSET] = routing[SLOT_NEXT_KEY_ID];
        System.arraycopy(
            routing, SLOT_NEXT_EPHEMERAL, packet, EPHEMERAL_KEY_OFFSET, EPHEMERAL_KEY_BYTES);
        System.arraycopy(routing, SLOT_NEXT_MAC, packet, MAC_OFFSET, MAC_BYTES);
        System.arraycopy(routing, SLOT_BYTES, packet, ROUTING_OFFSET, routingBytes);
        yield new ProcessResult.Forward(relay.next(), relay.delayMillis(), packet);
      }
      case RoutingCommand.Deliver deliver ->
          new ProcessResult.Deliver(Payload.decode(geometry, packet, payloadOffset));
      case RoutingCommand.DeliverReply reply ->
          new ProcessResult.ReplyDelivery(
              reply.surbId(), Arrays.copyOfRange(packet, payloadOffset, packet.length));
    };
  }

  private String heldKeyIds() {
    return keys.entries().stream()
        .map(e -> "id " + KeyRing.keyId(e.epoch()) + " of epoch " + e.epoch())
        .collect(Collectors.joining(", "));
  }
}
