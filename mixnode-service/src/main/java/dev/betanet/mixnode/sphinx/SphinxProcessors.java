package dev.betanet.mixnode.sphinx;

import dev.betanet.mixnode.core.HopProcessor;
import dev.betanet.mixnode.core.HopProcessorFactory;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.replay.SinceStartReplayFilter;
import dev.betanet.protocol.topology.NodeKeys;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a {@link PacketProcessor} for each key ring the node loads. One replay filter serves every
 * processor, so a reload never forgets which packets were seen. Private keys are wrapped once and
 * reused by later rings while their epoch stays; a key that leaves the ring is destroyed one reload
 * later, when no processor that held it can still be running.
 */
public final class SphinxProcessors implements HopProcessorFactory {

  /** Hops a header carries: 3 mix layers, the exit router and one spare (the protocol default). */
  static final int MAX_HOPS = PacketGeometry.DEFAULT.maxHops();

  private final ReplayFilter replayFilter;
  private final X25519 x25519;
  private final Map<Long, X25519PrivateKey> keysByEpoch = new HashMap<>();
  private List<X25519PrivateKey> retired = List.of();

  public SphinxProcessors(ReplayFilter replayFilter, X25519 x25519) {
    this.replayFilter = replayFilter;
    this.x25519 = x25519;
  }

  /**
   * The processors of a node process that starts now, as the service runs them: {@code filter}
   * (empty, on {@code clock}) behind a {@link SinceStartReplayFilter}, so packets stamped before
   * this process could have seen them are refused instead of being forwarded a second time after a
   * restart.
   */
  public static SphinxProcessors startingNow(
      ReplayWindow window, BloomReplayFilter filter, InstantSource clock, X25519 x25519) {
    return new SphinxProcessors(new SinceStartReplayFilter(filter, window, clock), x25519);
  }

  /** The packet geometry of a topology: its packet size with the protocol's hop count. */
  public static PacketGeometry geometryOf(int packetSize) {
    return new PacketGeometry(packetSize, MAX_HOPS);
  }

  @Override
  public synchronized HopProcessor create(NodeFiles.State state) {
    retired.forEach(X25519PrivateKey::destroy);
    Map<Long, X25519PrivateKey> previous = new HashMap<>(keysByEpoch);
    keysByEpoch.clear();
    List<KeyRing.Entry> entries = new ArrayList<>();
    for (NodeKeys.EpochKey key : state.keys().packetKeys()) {
      byte[] scalar = key.privateKey();
      X25519PrivateKey held = previous.get(key.epoch());
      if (held != null && Arrays.equals(held.publicKey(), x25519.publicKey(scalar))) {
        previous.remove(key.epoch());
      } else {
        held = X25519PrivateKey.of(scalar); // new epoch, or a new key for a known epoch
      }
      Arrays.fill(scalar, (byte) 0);
      keysByEpoch.put(key.epoch(), held);
      entries.add(new KeyRing.Entry(key.epoch(), held));
    }
    retired = List.copyOf(previous.values());
    var processor =
        new PacketProcessor(
            geometryOf(state.topology().packetSize()), KeyRing.of(entries), replayFilter, x25519);
    return new SphinxHopProcessor(processor);
  }

  /**
   * The earliest packet timestamp these processors accept (milliseconds since the Unix epoch), or
   * {@link Long#MIN_VALUE} when their filter does not refuse packets older than the process.
   */
  @Override
  public long acceptsStampsFromMillis() {
    return replayFilter instanceof SinceStartReplayFilter sinceStart
        ? sinceStart.acceptsFromMillis()
        : Long.MIN_VALUE;
  }

  public String x25519Name() {
    return x25519.name();
  }
}
