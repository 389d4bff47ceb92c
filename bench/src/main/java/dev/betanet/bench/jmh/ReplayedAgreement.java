package dev.betanet.bench.jmh;

import dev.betanet.protocol.crypto.X25519;
import java.util.Arrays;

/**
 * An X25519 that computes each agreement once with a real implementation and then replays the
 * result for the same scalar and peer key: processing one packet over and over through it costs
 * everything a hop does except the public-key operation, so a benchmark measures a hop's symmetric
 * work through the real {@code PacketProcessor} rather than a copy of its steps. Benchmarks only.
 */
final class ReplayedAgreement implements X25519 {

  private final X25519 real;
  private byte[] lastScalar = new byte[0];
  private byte[] lastPeer = new byte[0];
  private final byte[] lastShared = new byte[KEY_BYTES];
  private boolean lastValid;

  ReplayedAgreement(X25519 real) {
    this.real = real;
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return real.publicKey(privateKey);
  }

  @Override
  public boolean agree(byte[] privateKey, byte[] peerPublic, byte[] out) {
    if (!Arrays.equals(privateKey, lastScalar) || !Arrays.equals(peerPublic, lastPeer)) {
      lastValid = real.agree(privateKey, peerPublic, lastShared);
      lastScalar = privateKey.clone();
      lastPeer = peerPublic.clone();
    }
    System.arraycopy(lastShared, 0, out, 0, KEY_BYTES);
    return lastValid;
  }

  @Override
  public String name() {
    return "replayed-" + real.name();
  }
}
