package dev.betanet.protocol.packet;

import static dev.betanet.protocol.packet.PacketGeometry.EPHEMERAL_KEY_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.EPHEMERAL_KEY_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.KEY_ID_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.MAC_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.MAC_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.ROUTING_OFFSET;
import static dev.betanet.protocol.packet.PacketGeometry.SLOT_BYTES;
import static dev.betanet.protocol.packet.PacketGeometry.VERSION_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.protocol.crypto.ChaCha20;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.HmacSha256;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * Fuzzes everything a node does after the MAC check, which a mutated packet never reaches: the
 * harness lets the fuzzer write the decrypted layer (routing slot, the rest of the routing
 * information, payload plaintext, timestamp) and the clear header fields, then encrypts and MACs it
 * properly for a node with a fixed test key, exactly as a sender would. A small model of the spec
 * in {@code docs/protocol.md} ("Processing a packet") predicts the outcome from the plaintext; the
 * processor must agree with it byte for byte, and may only ever throw {@link PacketException}.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/packet/PacketLayerFuzzTestInputs}.
 */
class PacketLayerFuzzTest {

  private static final PacketGeometry GEOMETRY = PacketGeometry.DEFAULT;
  private static final long NOW_MILLIS = 1_790_000_123_456L;
  private static final long MAX_AGE_MILLIS = ReplayWindow.DEFAULT.maxAge().toMillis();
  private static final long MAX_SKEW_MILLIS = ReplayWindow.DEFAULT.maxSkew().toMillis();
  private static final long EPOCH = 7;
  private static final byte[] NODE_SCALAR = sha256("packet layer fuzz: node key");
  private static final byte[] SENDER_SCALAR = sha256("packet layer fuzz: ephemeral key");
  private static final X25519PrivateKey NODE_KEY = X25519PrivateKey.of(NODE_SCALAR);
  private static final byte[] SENDER_PUBLIC = X25519PrivateKey.of(SENDER_SCALAR).publicKey();
  private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(NOW_MILLIS));

  // What the header fields may be overridden with; each bit of the first fuzz byte picks one.
  private static final int OWN_EPHEMERAL = 1;
  private static final int OWN_VERSION = 2;
  private static final int OWN_KEY_ID = 4;
  private static final int BAD_MAC = 8;
  private static final int RAW_TIMESTAMP = 16;
  private static final int PROCESS_TWICE = 32;

  @FuzzTest(maxDuration = "60s")
  void processesAnyDecryptedLayer(FuzzedDataProvider data) {
    int choices = data.consumeInt();
    byte[] ephemeral =
        (choices & OWN_EPHEMERAL) != 0 ? exactly(data.consumeBytes(32), 32) : SENDER_PUBLIC;
    byte version = (choices & OWN_VERSION) != 0 ? data.consumeByte() : PacketGeometry.VERSION;
    byte keyId = (choices & OWN_KEY_ID) != 0 ? data.consumeByte() : (byte) KeyRing.keyId(EPOCH);
    int macFlip = (choices & BAD_MAC) != 0 ? data.consumeInt(0, MAC_BYTES * 8 - 1) : -1;
    long timestampOffsetSeconds = data.consumeLong(-300, 300);
    // The fields that decide the outcome come first in the input (the slot, then the start of
    // the payload: authenticator, length, message head), so short inputs reach every branch; the
    // rest of the routing information and of the payload follow.
    byte[] routing = new byte[GEOMETRY.routingBytes()];
    byte[] payload = new byte[GEOMETRY.payloadBytes()];
    int payloadHead = PacketGeometry.PAYLOAD_AUTH_BYTES + PacketGeometry.MESSAGE_LENGTH_BYTES + 14;
    fill(routing, 0, data.consumeBytes(SLOT_BYTES));
    fill(payload, 0, data.consumeBytes(payloadHead));
    fill(routing, SLOT_BYTES, data.consumeBytes(routing.length - SLOT_BYTES));
    fill(payload, payloadHead, data.consumeRemainingAsBytes());
    if ((choices & RAW_TIMESTAMP) == 0) {
      RoutingSlot.putInt(routing, 1, NOW_MILLIS / 1000 + timestampOffsetSeconds);
    }

    byte[] shared = new byte[32];
    // Bouncy Castle directly (not our X25519 wrapper): the harness's own view of a weak key.
    boolean weak =
        !org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
            NODE_SCALAR, 0, ephemeral, 0, shared, 0);
    HopSecrets secrets = new HopSecrets();
    secrets.derive(new Hkdf(), shared, ephemeral);
    byte[] stream = new byte[GEOMETRY.routingBytes() + SLOT_BYTES];
    new ChaCha20()
        .xor(
            secrets.material,
            HopSecrets.HEADER_KEY,
            secrets.material,
            HopSecrets.HEADER_NONCE,
            0,
            stream,
            0,
            stream.length);
    byte[] packet = seal(version, keyId, ephemeral, routing, payload, secrets, stream, macFlip);

    PacketProcessor processor =
        new PacketProcessor(
            GEOMETRY,
            KeyRing.of(EPOCH, NODE_KEY),
            new BloomReplayFilter(ReplayWindow.DEFAULT, 1, 32, CLOCK),
            X25519.bouncyCastle());
    byte[] copy = packet.clone();
    PacketException.Kind refusal =
        expectedRefusal(version, keyId, weak, macFlip >= 0, routing, payload);
    if (refusal != null) {
      assertThatExceptionOfType(PacketException.class)
          .isThrownBy(() -> processor.process(packet))
          .satisfies(e -> assertThat(e.kind()).isEqualTo(refusal));
    } else {
      ProcessResult result = process(processor, packet);
      checkAccepted(result, routing, payload, stream);
    }
    // A copy of any packet that reached the replay filter is refused as a replay from then on.
    boolean recorded =
        refusal == null
            || refusal == PacketException.Kind.INVALID_PAYLOAD; // recorded before the payload check
    if (recorded && (choices & PROCESS_TWICE) != 0) {
      assertThatExceptionOfType(PacketException.class)
          .isThrownBy(() -> processor.process(copy))
          .satisfies(e -> assertThat(e.kind()).isEqualTo(PacketException.Kind.REPLAY));
    }
  }

  /** Encrypts and MACs the layer as {@link PacketBuilder} would for one hop. */
  private static byte[] seal(
      byte version,
      byte keyId,
      byte[] ephemeral,
      byte[] routing,
      byte[] payload,
      HopSecrets secrets,
      byte[] stream,
      int macFlip) {
    byte[] packet = new byte[GEOMETRY.packetBytes()];
    packet[VERSION_OFFSET] = version;
    packet[KEY_ID_OFFSET] = keyId;
    System.arraycopy(ephemeral, 0, packet, EPHEMERAL_KEY_OFFSET, EPHEMERAL_KEY_BYTES);
    for (int i = 0; i < routing.length; i++) {
      packet[ROUTING_OFFSET + i] = (byte) (routing[i] ^ stream[i]);
    }
    byte[] mac = new byte[MAC_BYTES];
    new HmacSha256()
        .init(secrets.material, HopSecrets.MAC_KEY, 32)
        .update(packet, 0, MAC_OFFSET)
        .update(packet, ROUTING_OFFSET, routing.length)
        .finish(mac, 0);
    if (macFlip >= 0) {
      mac[macFlip / 8] ^= (byte) (1 << (macFlip % 8));
    }
    System.arraycopy(mac, 0, packet, MAC_OFFSET, MAC_BYTES);
    System.arraycopy(payload, 0, packet, GEOMETRY.headerBytes(), payload.length);
    new Lioness()
        .encrypt(
            secrets.material,
            HopSecrets.PAYLOAD_KEY,
            packet,
            GEOMETRY.headerBytes(),
            GEOMETRY.payloadBytes());
    return packet;
  }

  /**
   * The spec's checks in the spec's order, on the plaintext: null when the packet is accepted.
   * Written from {@code docs/protocol.md}, independently of {@link RoutingSlot} and {@link
   * Payload}.
   */
  private static PacketException.Kind expectedRefusal(
      byte version, byte keyId, boolean weak, boolean badMac, byte[] slot, byte[] payload) {
    if (version != 1) {
      return PacketException.Kind.UNKNOWN_VERSION;
    }
    if ((keyId & 0xFF) != (EPOCH & 0xFF)) {
      return PacketException.Kind.UNKNOWN_KEY;
    }
    if (weak) {
      return PacketException.Kind.INVALID_KEY;
    }
    if (badMac) {
      return PacketException.Kind.INVALID_MAC;
    }
    int type = slot[0] & 0xFF;
    boolean malformed =
        switch (type) {
          case 1 -> false;
          case 2 -> !allZero(slot, 5, SLOT_BYTES);
          case 3 -> !allZero(slot, 5, 9) || !allZero(slot, 25, SLOT_BYTES);
          default -> true;
        };
    if (malformed) {
      return PacketException.Kind.MALFORMED_COMMAND;
    }
    long timestampMillis = (ByteBuffer.wrap(slot, 1, 4).getInt() & 0xFFFF_FFFFL) * 1000;
    if (timestampMillis < NOW_MILLIS - MAX_AGE_MILLIS
        || timestampMillis > NOW_MILLIS + MAX_SKEW_MILLIS) {
      return PacketException.Kind.EXPIRED;
    }
    if (type == 2 && (!allZero(payload, 0, 16) || messageLength(payload) > capacity())) {
      return PacketException.Kind.INVALID_PAYLOAD;
    }
    return null;
  }

  private static void checkAccepted(
      ProcessResult result, byte[] routing, byte[] payload, byte[] stream) {
    byte[] address = Arrays.copyOfRange(routing, 9, 25);
    switch (routing[0]) {
      case 1 -> {
        ProcessResult.Forward forward = (ProcessResult.Forward) result;
        assertThat(forward.next().bytes()).isEqualTo(address);
        assertThat(forward.delayMillis())
            .isEqualTo(ByteBuffer.wrap(routing, 5, 4).getInt() & 0xFFFF_FFFFL);
        byte[] out = forward.packet();
        assertThat(out).hasSize(GEOMETRY.packetBytes());
        assertThat(out[VERSION_OFFSET]).isEqualTo((byte) PacketGeometry.VERSION);
        assertThat(out[KEY_ID_OFFSET]).isEqualTo(routing[25]);
        assertThat(Arrays.copyOfRange(out, EPHEMERAL_KEY_OFFSET, MAC_OFFSET))
            .isEqualTo(Arrays.copyOfRange(routing, 26, 58));
        assertThat(Arrays.copyOfRange(out, MAC_OFFSET, ROUTING_OFFSET))
            .isEqualTo(Arrays.copyOfRange(routing, 58, SLOT_BYTES));
        // The next hop's routing information: this layer's shifted by a slot, then key stream.
        byte[] next = new byte[GEOMETRY.routingBytes()];
        System.arraycopy(routing, SLOT_BYTES, next, 0, routing.length - SLOT_BYTES);
        System.arraycopy(stream, routing.length, next, routing.length - SLOT_BYTES, SLOT_BYTES);
        assertThat(Arrays.copyOfRange(out, ROUTING_OFFSET, GEOMETRY.headerBytes())).isEqualTo(next);
        assertThat(Arrays.copyOfRange(out, GEOMETRY.headerBytes(), out.length)).isEqualTo(payload);
      }
      case 2 -> {
        int length = messageLength(payload);
        assertThat(((ProcessResult.Deliver) result).message())
            .isEqualTo(Arrays.copyOfRange(payload, 18, 18 + length));
      }
      case 3 -> {
        ProcessResult.ReplyDelivery reply = (ProcessResult.ReplyDelivery) result;
        byte[] id = new byte[SurbId.BYTES];
        reply.surbId().writeTo(id, 0);
        assertThat(id).isEqualTo(address);
        assertThat(reply.payload()).isEqualTo(payload);
      }
      default -> throw new AssertionError("the model accepted command type " + routing[0]);
    }
  }

  private static ProcessResult process(PacketProcessor processor, byte[] packet) {
    try {
      return processor.process(packet);
    } catch (PacketException e) {
      throw new AssertionError("the model accepts this packet, the processor refused it", e);
    }
  }

  private static int messageLength(byte[] payload) {
    return ((payload[16] & 0xFF) << 8) | (payload[17] & 0xFF);
  }

  private static int capacity() {
    return GEOMETRY.messageCapacity();
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Copies what fits of {@code bytes} to {@code into[at ..]}; the rest stays zero. */
  private static void fill(byte[] into, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, into, at, Math.min(bytes.length, into.length - at));
  }

  /** {@code bytes} cut or zero-padded to {@code length}: short fuzz inputs mean zero fields. */
  private static byte[] exactly(byte[] bytes, int length) {
    return Arrays.copyOf(bytes, length);
  }

  private static byte[] sha256(String label) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA-256", e);
    }
  }
}
