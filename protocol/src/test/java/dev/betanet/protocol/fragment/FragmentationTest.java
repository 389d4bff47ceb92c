package dev.betanet.protocol.fragment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.fragment.FragmentException.Kind;
import dev.betanet.protocol.packet.PacketGeometry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FragmentationTest {

  final Fragments fragments = new Fragments(PacketGeometry.DEFAULT.messageCapacity());
  final Random random = new Random(3);

  byte[] message(int bytes) {
    byte[] m = new byte[bytes];
    random.nextBytes(m);
    return m;
  }

  static Kind kindOf(Reassembler r, byte[] fragment) {
    try {
      r.accept(fragment);
    } catch (FragmentException e) {
      return e.kind();
    }
    throw new AssertionError("expected a FragmentException");
  }

  @Test
  void everyFragmentFitsOnePacket() {
    for (byte[] f : fragments.split(1, message(100_000))) {
      assertThat(f.length).isLessThanOrEqualTo(PacketGeometry.DEFAULT.messageCapacity());
    }
    assertThat(fragments.split(1, new byte[0])).hasSize(1);
    assertThat(fragments.countFor(fragments.dataBytesPerFragment() + 1)).isEqualTo(2);
  }

  @Test
  void reassemblesShuffledFragmentsWithDuplicates() throws FragmentException {
    Reassembler reassembler = new Reassembler(fragments, 1 << 20, 16);
    byte[] message = message(50_000);
    List<byte[]> pieces = new ArrayList<>(fragments.split(42, message));
    pieces.addAll(pieces.subList(0, 10)); // duplicates
    Collections.shuffle(pieces, random);
    List<byte[]> done = new ArrayList<>();
    for (byte[] piece : pieces) {
      reassembler.accept(piece).ifPresent(done::add);
    }
    assertThat(done).hasSize(1);
    assertThat(done.getFirst()).isEqualTo(message);
    assertThat(reassembler.pendingMessages()).isZero();
  }

  @Test
  void lostFragmentLeavesTheMessageIncompleteUntilRetransmitted() throws FragmentException {
    Reassembler reassembler = new Reassembler(fragments, 1 << 20, 16);
    byte[] message = message(5_000);
    List<byte[]> pieces = fragments.split(7, message);
    for (int i = 1; i < pieces.size(); i++) {
      assertThat(reassembler.accept(pieces.get(i))).isEmpty();
    }
    assertThat(reassembler.pendingMessages()).isEqualTo(1);
    Optional<byte[]> whole = reassembler.accept(pieces.getFirst());
    assertThat(whole).hasValueSatisfying(m -> assertThat(m).isEqualTo(message));
    // A late duplicate after completion does not start a new message.
    assertThat(reassembler.accept(pieces.get(2))).isEmpty();
    assertThat(reassembler.pendingMessages()).isZero();
  }

  @Test
  void interleavedMessagesAreKeptApart() throws FragmentException {
    Reassembler reassembler = new Reassembler(fragments, 1 << 20, 16);
    byte[] a = message(4_000);
    byte[] b = message(3_000);
    List<byte[]> pa = fragments.split(1, a);
    List<byte[]> pb = fragments.split(2, b);
    List<byte[]> done = new ArrayList<>();
    for (int i = 0; i < Math.max(pa.size(), pb.size()); i++) {
      if (i < pa.size()) reassembler.accept(pa.get(i)).ifPresent(done::add);
      if (i < pb.size()) reassembler.accept(pb.get(i)).ifPresent(done::add);
    }
    assertThat(done).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void evictsOldestUnfinishedMessageAndCountsIt() throws FragmentException {
    Reassembler reassembler = new Reassembler(fragments, 1 << 20, 2);
    List<byte[]> first = fragments.split(1, message(4_000));
    reassembler.accept(first.getFirst());
    reassembler.accept(fragments.split(2, message(3_000)).getFirst());
    reassembler.accept(fragments.split(3, message(3_000)).getFirst());
    assertThat(reassembler.pendingMessages()).isEqualTo(2);
    assertThat(reassembler.evictedMessages()).isEqualTo(1);
    // Message 1 was dropped: its remaining fragments start over and cannot complete it.
    assertThat(reassembler.accept(first.get(1))).isEmpty();
    assertThat(reassembler.accept(first.get(2))).isEmpty();
  }

  @Test
  void refusesMessagesOverTheSizeLimitAtTheFirstFragment() {
    Reassembler reassembler = new Reassembler(fragments, 10_000, 4);
    byte[] piece = fragments.split(9, message(20_000)).get(3);
    assertThat(kindOf(reassembler, piece)).isEqualTo(Kind.TOO_LARGE);
    assertThat(reassembler.pendingMessages()).isZero();
  }

  @Test
  void refusesMalformedAndInconsistentFragments() throws FragmentException {
    Reassembler reassembler = new Reassembler(fragments, 1 << 20, 4);
    assertThat(kindOf(reassembler, new byte[5])).isEqualTo(Kind.MALFORMED);
    assertThat(kindOf(reassembler, new byte[fragments.fragmentBytes() + 1]))
        .isEqualTo(Kind.MALFORMED);

    byte[] zeroCount = fragments.split(5, message(10)).getFirst();
    zeroCount[11] = 0; // count = 0
    assertThat(kindOf(reassembler, zeroCount)).isEqualTo(Kind.INVALID_INDEX);

    List<byte[]> pieces = fragments.split(6, message(4_000));
    byte[] badIndex = pieces.get(1).clone();
    badIndex[8] = 0;
    badIndex[9] = 9; // index 9 of 3
    assertThat(kindOf(reassembler, badIndex)).isEqualTo(Kind.INVALID_INDEX);

    reassembler.accept(pieces.getFirst());
    byte[] otherCount = pieces.get(1).clone();
    otherCount[11] = 4;
    assertThat(kindOf(reassembler, otherCount)).isEqualTo(Kind.INCONSISTENT);

    byte[] shortMiddle = java.util.Arrays.copyOf(pieces.get(1), pieces.get(1).length - 1);
    assertThat(kindOf(reassembler, shortMiddle)).isEqualTo(Kind.INCONSISTENT);
  }

  @Test
  void splitRefusesMessagesNeedingTooManyFragments() {
    Fragments tiny = new Fragments(Fragments.HEADER_BYTES + 1);
    assertThatThrownBy(() -> tiny.split(1, new byte[Fragments.MAX_FRAGMENTS + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
