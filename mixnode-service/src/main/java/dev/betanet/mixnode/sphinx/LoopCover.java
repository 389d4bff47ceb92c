package dev.betanet.mixnode.sphinx;

import dev.betanet.mixnode.core.ActiveState;
import dev.betanet.mixnode.core.CoverEmitter;
import dev.betanet.mixnode.core.HopResult;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loop cover packets: through one random healthy mixnode per layer and back to this node, which
 * consumes them as {@code delivered}. Each hop's delay is drawn from the topology's exponential
 * mixing delay below the hops' ceiling ({@link ExponentialDelay#drawBelow}), as a router draws it,
 * so a loop packet looks like any other on every link.
 */
public final class LoopCover implements CoverEmitter.PacketSource {

  private final X25519 x25519;
  private final SecureRandom random = new SecureRandom();

  public LoopCover(X25519 x25519) {
    this.x25519 = x25519;
  }

  @Override
  public Optional<HopResult.Forward> next(ActiveState state) {
    Topology topology = state.topology();
    NodeKeys keys = state.files().keys();
    List<PathHop> path = new ArrayList<>();
    long meanDelay = topology.mixing().meanDelayMillis();
    for (Topology.Layer layer : topology.layers()) {
      List<Topology.MixnodeEntry> healthy =
          layer.mixnodes().stream().filter(Topology.MixnodeEntry::healthy).toList();
      if (healthy.isEmpty()) {
        return Optional.empty(); // no complete path: send nothing rather than a shorter loop
      }
      Topology.MixnodeEntry hop = healthy.get(random.nextInt(healthy.size()));
      path.add(
          new PathHop(
              NodeRef.ofIdentity(hop.ed25519().bytes()),
              hop.x25519().bytes(),
              hop.keyEpoch(),
              ExponentialDelay.drawBelow(meanDelay, ReplayWindow.DEFAULT, random)));
    }
    path.add(
        new PathHop(
            NodeRef.ofIdentity(keys.identityPublic().bytes()),
            keys.current().publicKey().bytes(),
            keys.current().epoch(),
            0));
    if (path.size() > SphinxProcessors.MAX_HOPS) {
      return Optional.empty(); // more layers than a header has room for, plus the way home
    }
    var builder =
        new PacketBuilder(SphinxProcessors.geometryOf(topology.packetSize()), x25519, random);
    OutgoingPacket packet = builder.forward(path, new byte[0]);
    // Leaves now: the Poisson emission schedule already spaces cover packets out.
    return Optional.of(new HopResult.Forward(packet.firstHop(), 0, packet.packet()));
  }
}
