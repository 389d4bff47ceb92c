package dev.betanet.protocol.packet;

import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.packet.PacketException.Kind;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * What a SURB's creator keeps to read the reply: the SURB's id and the payload key of every hop of
 * the reply path, plus the key the replier encrypted with. Keep it in a map by {@link #surbId()};
 * {@link ProcessResult.ReplyDelivery} names the id.
 *
 * <p>Single use: a successful {@link #openReply} wipes the keys. Thread-safe.
 */
public final class SurbSecrets implements Destroyable {

  private final SurbId surbId;
  private final PacketGeometry geometry;
  private final byte[] replierKey;
  private final byte[][] hopKeys;
  private boolean destroyed;

  SurbSecrets(SurbId surbId, PacketGeometry geometry, byte[] replierKey, byte[][] hopKeys) {
    this.surbId = surbId;
    this.geometry = geometry;
    this.replierKey = replierKey;
    this.hopKeys = hopKeys;
  }

  public SurbId surbId() {
    return surbId;
  }

  /**
   * Recovers the reply message from a {@link ProcessResult.ReplyDelivery} payload, then wipes the
   * keys. {@code payload} is not modified.
   *
   * @throws PacketException INVALID_LENGTH for a payload of the wrong size, INVALID_PAYLOAD when it
   *     was tampered with (the keys are kept then, so the genuine reply can still open), and
   *     UNKNOWN_SURB when these secrets were already used
   */
  public synchronized byte[] openReply(byte[] payload) throws PacketException {
    if (destroyed) {
      throw new PacketException(Kind.UNKNOWN_SURB, "SURB " + surbId + " was already used");
    }
    if (payload.length != geometry.payloadBytes()) {
      throw new PacketException(
          Kind.INVALID_LENGTH,
          "reply payload of " + payload.length + " bytes, expected " + geometry.payloadBytes());
    }
    byte[] block = payload.clone();
    Lioness lioness = new Lioness();
    // Each hop decrypted with its key; undo that from the last hop to the first, then undo the
    // replier's encryption.
    for (int i = hopKeys.length - 1; i >= 0; i--) {
      lioness.encrypt(hopKeys[i], 0, block, 0, block.length);
    }
    lioness.decrypt(replierKey, 0, block, 0, block.length);
    byte[] message = Payload.decode(geometry, block, 0);
    destroy();
    return message;
  }

  @Override
  public synchronized void destroy() {
    destroyed = true;
    Arrays.fill(replierKey, (byte) 0);
    for (byte[] key : hopKeys) {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "SurbSecrets[" + surbId + (destroyed ? ", destroyed]" : "]");
  }
}
