package dev.betanet.protocol.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.fragment.FragmentException;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.fragment.Reassembler;
import dev.betanet.protocol.packet.PacketException.Kind;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Fuzzes valid packets on their way: the harness builds real packets and SURBs for a fixed path of
 * test nodes (3 mixes and an exit, fixed keys), and the fuzzer chooses the message and what an
 * attacker on a link does to each packet (flip bytes before a chosen hop, drop, send twice,
 * reorder). The contract: an untouched packet arrives and the message reassembles exactly; a
 * touched header is refused at the hop that reads it with the kind its position implies; a touched
 * payload is refused where it is opened ({@code INVALID_PAYLOAD}); a second copy is a {@code
 * REPLAY}; only {@link PacketException} and {@link FragmentException} are ever thrown.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/packet/PacketPathFuzzTestInputs}.
 */
class PacketPathFuzzTest {

  private static final PacketGeometry GEOMETRY = PacketGeometry.DEFAULT;
  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.ofEpochSecond(1_790_000_000));
  private static final Fragments FORMAT = new Fragments(GEOMETRY.messageCapacity());
  private static final int MAX_FRAGMENTS = 3;
  private static final int HOPS = 4;
  private static final List<TestNode> NODES = nodes();

  // Offsets in a serialized SURB: version(1) | firstHop(16) | payloadKey(128) | header.
  private static final int KEY_AT = 1 + NodeRef.BYTES;
  private static final int HEADER_AT = KEY_AT + Lioness.KEY_BYTES;

  /** The payload plaintext's zero authenticator and length before the message. */
  private static final int PAYLOAD_PLAINTEXT_PREFIX =
      PacketGeometry.PAYLOAD_AUTH_BYTES + PacketGeometry.MESSAGE_LENGTH_BYTES;

  /** What happens to one packet on the way, chosen by the fuzzer. */
  private enum Fate {
    INTACT,
    FLIPPED,
    DROPPED,
    DUPLICATED
  }

  @FuzzTest(maxDuration = "60s")
  void forwardsTamperedPackets(FuzzedDataProvider data) {
    int messageBytes = data.consumeInt(0, MAX_FRAGMENTS * FORMAT.dataBytesPerFragment());
    long messageId = data.consumeLong();
    long orderSeed = data.consumeLong();
    byte[] message = data.consumeBytes(messageBytes);
    List<byte[]> fragments = FORMAT.split(messageId, message);
    PacketBuilder builder = builder("forward");
    List<PathHop> path = path();

    List<Transit> transits = new ArrayList<>();
    for (byte[] fragment : fragments) {
      Transit transit = Transit.choose(data, builder.forward(path, fragment).packet());
      transits.add(transit);
      if (transit.fate() == Fate.DUPLICATED) {
        transits.add(transit);
      }
    }
    Collections.shuffle(transits, new Random(orderSeed));

    List<PacketProcessor> hops = processors();
    Reassembler reassembler = new Reassembler(FORMAT, message.length + FORMAT.fragmentBytes(), 4);
    Set<Transit> travelled = Collections.newSetFromMap(new IdentityHashMap<>());
    List<byte[]> completed = new ArrayList<>();
    for (Transit transit : transits) {
      if (transit.fate() == Fate.DROPPED) {
        continue;
      }
      ProcessResult result = transit.travel(hops, !travelled.add(transit), true);
      if (result != null) {
        try {
          reassembler.accept(((ProcessResult.Deliver) result).message()).ifPresent(completed::add);
        } catch (FragmentException e) {
          throw new AssertionError("a genuine fragment was refused", e);
        }
      }
    }
    boolean allArrived =
        transits.stream().allMatch(t -> t.fate() == Fate.INTACT || t.fate() == Fate.DUPLICATED);
    if (allArrived) {
      assertThat(completed).hasSize(1);
      assertThat(completed.getFirst()).isEqualTo(message);
    } else {
      assertThat(completed).isEmpty();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void repliesThroughTamperedSurbs(FuzzedDataProvider data) throws PacketException {
    byte[] reply = data.consumeBytes(data.consumeInt(0, GEOMETRY.messageCapacity()));
    int surbFlip = data.consumeInt(-1, Surb.serializedBytes(GEOMETRY) - 1);
    int surbMask = data.consumeInt(1, 255);
    int shortLength = data.consumeInt(0, GEOMETRY.payloadBytes() - 1);
    SurbPair pair = builder("surb").surb(path());
    SurbSecrets secrets = pair.secrets();
    byte[] surbBytes = pair.surb().toBytes();
    if (surbFlip >= 0) {
      surbBytes[surbFlip] ^= (byte) surbMask;
    }
    if (surbFlip == 0) {
      assertThatExceptionOfType(PacketException.class)
          .isThrownBy(() -> Surb.fromBytes(GEOMETRY, surbBytes))
          .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SURB));
      return;
    }
    Surb surb = Surb.fromBytes(GEOMETRY, surbBytes);
    assertThat(surb.firstHop().bytes()).isEqualTo(Arrays.copyOfRange(surbBytes, 1, KEY_AT));
    byte[] packet = PacketBuilder.reply(GEOMETRY, surb, reply).packet();
    // A flipped header byte in the SURB is a flipped header byte of the reply at its first hop
    // (already in the packet: mask 0 adds nothing on the way).
    Transit transit =
        surbFlip >= HEADER_AT
            ? new Transit(Fate.FLIPPED, packet, 0, surbFlip - HEADER_AT, 0)
            : Transit.choose(data, packet);
    if (transit.fate() == Fate.DROPPED) {
      return;
    }
    List<PacketProcessor> hops = processors();
    ProcessResult result = transit.travel(hops, false, false);
    if (transit.fate() == Fate.DUPLICATED) {
      // A second reply through the same SURB, even with another message, is a replay.
      byte[] second = PacketBuilder.reply(GEOMETRY, surb, Arrays.copyOf(reply, 3)).packet();
      new Transit(Fate.INTACT, second, 0, 0, 0).travel(hops, true, false);
    }
    if (result == null) {
      return;
    }
    ProcessResult.ReplyDelivery delivery = (ProcessResult.ReplyDelivery) result;
    assertThat(delivery.surbId()).isEqualTo(secrets.surbId());
    assertThatExceptionOfType(PacketException.class)
        .isThrownBy(() -> secrets.openReply(Arrays.copyOf(delivery.payload(), shortLength)))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH));
    boolean payloadFlipped = transit.fate() == Fate.FLIPPED;
    if (!payloadFlipped && surbFlip >= KEY_AT && surbFlip < KEY_AT + Lioness.LEFT_BYTES) {
      // Found by this target: Lioness decryption's last round (the K1 stream round) never touches
      // L, the first 32 bytes, which hold the zero authenticator and the length. A replier key
      // that differs from the creator's in K1 only therefore opens without an error, and only the
      // message bytes from offset 14 on are noise. Only the exit holds the replier key (inside an
      // encrypted forward payload), and it chooses the reply anyway, so this is a robustness limit,
      // not a forgery; docs/reliability.md records it.
      byte[] opened = secrets.openReply(delivery.payload());
      int intact = Math.min(reply.length, Lioness.LEFT_BYTES - PAYLOAD_PLAINTEXT_PREFIX);
      assertThat(opened).hasSameSizeAs(reply).startsWith(Arrays.copyOf(reply, intact));
      return;
    }
    boolean keyTouched = surbFlip >= KEY_AT && surbFlip < HEADER_AT;
    if (payloadFlipped || keyTouched) {
      assertThatExceptionOfType(PacketException.class)
          .isThrownBy(() -> secrets.openReply(delivery.payload()))
          .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PAYLOAD));
      assertThat(secrets.isDestroyed()).as("keys kept after a tampered reply").isFalse();
      return;
    }
    assertThat(secrets.openReply(delivery.payload())).isEqualTo(reply);
    assertThatExceptionOfType(PacketException.class)
        .isThrownBy(() -> secrets.openReply(delivery.payload()))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_SURB));
  }

  /** One packet's journey: its fate and, when flipped, before which hop, where and with what. */
  private record Transit(Fate fate, byte[] packet, int hop, int position, int mask) {

    static Transit choose(FuzzedDataProvider data, byte[] packet) {
      Fate fate = data.pickValue(Fate.values());
      if (fate != Fate.FLIPPED) {
        return new Transit(fate, packet, 0, 0, 0);
      }
      return new Transit(
          fate,
          packet,
          data.consumeInt(0, HOPS - 1),
          data.consumeInt(0, GEOMETRY.packetBytes() - 1),
          data.consumeInt(1, 255));
    }

    /**
     * Sends a copy of the packet along the path and checks each hop's verdict.
     *
     * @param secondCopy the same bytes travelled before: the first hop must see a replay
     * @param exitOpensPayload the last hop reads the payload (forward packets), so a flipped
     *     payload is refused there; a reply's payload is opened later by the SURB's creator
     * @return the last hop's result, or null when a hop refused the packet as expected
     */
    ProcessResult travel(List<PacketProcessor> hops, boolean secondCopy, boolean exitOpensPayload) {
      byte[] current = packet.clone();
      for (int h = 0; h < hops.size(); h++) {
        if (fate == Fate.FLIPPED && h == hop) {
          current[position] ^= (byte) mask;
        }
        boolean last = h == hops.size() - 1;
        Kind refusal = expectedRefusal(h, secondCopy, last && exitOpensPayload);
        PacketProcessor processor = hops.get(h);
        if (refusal != null) {
          byte[] input = current;
          assertThatExceptionOfType(PacketException.class)
              .isThrownBy(() -> processor.process(input))
              .satisfies(e -> assertThat(e.kind()).isIn(acceptable(refusal)));
          return null;
        }
        ProcessResult result = processOrFail(processor, current);
        if (last) {
          return result;
        }
        ProcessResult.Forward forward = (ProcessResult.Forward) result;
        assertThat(forward.next()).isEqualTo(NODES.get(h + 1).ref);
        assertThat(forward.delayMillis()).isEqualTo(delay(h));
        current = forward.packet();
      }
      throw new IllegalStateException("BUG: a path ends at its last hop");
    }

    /** The refusal at hop {@code h} that the packet's fate implies, null when it passes. */
    private Kind expectedRefusal(int h, boolean secondCopy, boolean opensPayload) {
      if (secondCopy) {
        return h == 0 ? Kind.REPLAY : null;
      }
      if (fate != Fate.FLIPPED || h < hop) {
        return null;
      }
      boolean header = position < GEOMETRY.headerBytes();
      if (header) {
        if (h > hop) {
          throw new IllegalStateException("BUG: a flipped header passed hop " + hop);
        }
        return switch (position) {
          case PacketGeometry.VERSION_OFFSET -> Kind.UNKNOWN_VERSION;
          case PacketGeometry.KEY_ID_OFFSET -> Kind.UNKNOWN_KEY;
          default -> Kind.INVALID_MAC;
        };
      }
      return opensPayload ? Kind.INVALID_PAYLOAD : null;
    }
  }

  /** A changed ephemeral key may also be a low-order point, which is refused before the MAC. */
  private static Set<Kind> acceptable(Kind refusal) {
    return refusal == Kind.INVALID_MAC
        ? Set.of(Kind.INVALID_MAC, Kind.INVALID_KEY)
        : Set.of(refusal);
  }

  private static ProcessResult processOrFail(PacketProcessor processor, byte[] packet) {
    try {
      return processor.process(packet);
    } catch (PacketException e) {
      throw new AssertionError("an untouched packet was refused", e);
    }
  }

  private static List<TestNode> nodes() {
    DeterministicRandom random = new DeterministicRandom(bytes("packet path fuzz: nodes"));
    List<TestNode> nodes = new ArrayList<>();
    for (int i = 0; i < HOPS; i++) {
      nodes.add(new TestNode(GEOMETRY, random, 40 + i, CLOCK));
    }
    return List.copyOf(nodes);
  }

  private static List<PathHop> path() {
    List<PathHop> path = new ArrayList<>();
    for (int i = 0; i < HOPS; i++) {
      path.add(NODES.get(i).hop(delay(i)));
    }
    return path;
  }

  private static long delay(int hop) {
    return 25L * (hop + 1);
  }

  /**
   * Fresh processors (and replay filters) per run, so that every input starts from the same state.
   */
  private static List<PacketProcessor> processors() {
    List<PacketProcessor> processors = new ArrayList<>();
    for (int i = 0; i < HOPS; i++) {
      TestNode node = NODES.get(i);
      processors.add(
          new PacketProcessor(
              GEOMETRY,
              KeyRing.of(node.epoch, node.key),
              new BloomReplayFilter(ReplayWindow.DEFAULT, 1, 32, CLOCK),
              X25519.bouncyCastle()));
    }
    return processors;
  }

  private static PacketBuilder builder(String seed) {
    return new PacketBuilder(
        GEOMETRY, X25519.bouncyCastle(), new DeterministicRandom(bytes(seed)), CLOCK, 10);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
