package dev.betanet.router.state;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.topology.NodeKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The router's X25519 packet keys across reloads, as the mixnode keeps its own: each key is wrapped
 * once and reused by later rings while its epoch stays; a key that leaves the ring is destroyed one
 * accepted reload later, when no packet can still be peeled with the state that held it (a packet
 * reads the state in force when its turn on a crypto thread comes). The scalar copies made on the
 * way are wiped at once.
 *
 * <p>A ring that cannot be built changes nothing: the keys of the state in force stay alive.
 */
public final class PacketKeys {

  private final X25519 x25519;
  private Map<Long, X25519PrivateKey> byEpoch = new HashMap<>();
  private List<X25519PrivateKey> retired = List.of();

  public PacketKeys(X25519 x25519) {
    this.x25519 = x25519;
  }

  /**
   * The ring for {@code keys}.
   *
   * @throws IllegalArgumentException when the keys cannot form a ring (two epochs share a key id);
   *     then nothing changed
   */
  public synchronized KeyRing ring(NodeKeys keys) {
    Map<Long, X25519PrivateKey> next = new HashMap<>();
    List<X25519PrivateKey> created = new ArrayList<>();
    List<KeyRing.Entry> entries = new ArrayList<>();
    for (NodeKeys.EpochKey key : keys.packetKeys()) {
      byte[] scalar = key.privateKey(); // a copy
      try {
        X25519PrivateKey held = byEpoch.get(key.epoch());
        if (held == null
            || held.isDestroyed()
            || !Arrays.equals(held.publicKey(), x25519.publicKey(scalar))) {
          held = X25519PrivateKey.of(scalar); // new epoch, or a new key for a known epoch
          created.add(held);
        }
        next.put(key.epoch(), held);
        entries.add(new KeyRing.Entry(key.epoch(), held));
      } finally {
        Arrays.fill(scalar, (byte) 0);
      }
    }
    KeyRing ring;
    try {
      ring = KeyRing.of(entries);
    } catch (RuntimeException e) {
      created.forEach(X25519PrivateKey::destroy);
      throw e;
    }
    retired.forEach(X25519PrivateKey::destroy);
    List<X25519PrivateKey> leaving = new ArrayList<>();
    for (X25519PrivateKey old : byEpoch.values()) {
      if (!next.containsValue(old)) {
        leaving.add(old);
      }
    }
    retired = List.copyOf(leaving);
    byEpoch = next;
    return ring;
  }
}
