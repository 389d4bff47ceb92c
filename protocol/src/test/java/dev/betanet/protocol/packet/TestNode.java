package dev.betanet.protocol.packet;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import java.security.SecureRandom;
import java.time.InstantSource;

/** A node for tests: identity, one X25519 key of one epoch, a processor with its own filter. */
final class TestNode {

  final NodeRef ref;
  final long epoch;
  final X25519PrivateKey key;
  final BloomReplayFilter filter;
  final PacketProcessor processor;

  TestNode(PacketGeometry geometry, SecureRandom random, long epoch, InstantSource clock) {
    byte[] identity = new byte[32];
    random.nextBytes(identity);
    this.ref = NodeRef.ofIdentity(identity);
    this.epoch = epoch;
    this.key = X25519PrivateKey.generate(random);
    this.filter = new BloomReplayFilter(ReplayWindow.DEFAULT, 1000, 32, clock);
    this.processor =
        new PacketProcessor(geometry, KeyRing.of(epoch, key), filter, X25519.bouncyCastle());
  }

  PathHop hop(long delayMillis) {
    return new PathHop(ref, key.publicKey(), epoch, delayMillis);
  }
}
