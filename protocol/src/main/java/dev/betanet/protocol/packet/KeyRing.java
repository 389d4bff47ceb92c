package dev.betanet.protocol.packet;

import dev.betanet.protocol.crypto.X25519PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The X25519 keys a node accepts packets for: normally the current epoch's and, during the overlap
 * after a rotation, the previous one's.
 *
 * <p>A packet selects a key by the 1-byte key id in the clear part of its header: the low byte of
 * the key's epoch ({@link #keyId(long)}). Every packet for one key carries the same id, so it tells
 * an observer only which epoch's key the sender used, which the topology publishes anyway. Two keys
 * with the same id (epochs 256 apart) cannot be held at once.
 *
 * <p>Immutable and thread-safe. It does not own the keys' lifetime: whoever made the keys destroys
 * them once no processor uses this ring.
 */
public final class KeyRing {

  /** One key and the epoch it belongs to. */
  public record Entry(long epoch, X25519PrivateKey key) {
    public Entry {
      Objects.requireNonNull(key, "key");
    }
  }

  private final Entry[] byKeyId = new Entry[256];
  private final List<Entry> entries;

  private KeyRing(List<Entry> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a key ring holds at least one key");
    }
    for (Entry entry : entries) {
      int id = keyId(entry.epoch());
      if (byKeyId[id] != null) {
        throw new IllegalArgumentException(
            "epochs "
                + byKeyId[id].epoch()
                + " and "
                + entry.epoch()
                + " share key id "
                + id
                + "; hold at most 256 consecutive epochs");
      }
      byKeyId[id] = entry;
    }
    this.entries = List.copyOf(entries);
  }

  /**
   * A ring of {@code entries}.
   *
   * @throws IllegalArgumentException when empty or when two entries share a key id
   */
  public static KeyRing of(List<Entry> entries) {
    return new KeyRing(new ArrayList<>(entries));
  }

  /** A ring of one key. */
  public static KeyRing of(long epoch, X25519PrivateKey key) {
    return of(List.of(new Entry(epoch, key)));
  }

  /** The key id packets carry for keys of {@code epoch}: its low byte, 0..255. */
  public static int keyId(long epoch) {
    return (int) (epoch & 0xFF);
  }

  /** The entry for {@code keyId}, or null when this ring has none. */
  Entry find(int keyId) {
    return byKeyId[keyId & 0xFF];
  }

  public List<Entry> entries() {
    return entries;
  }
}
