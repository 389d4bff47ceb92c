package dev.betanet.mixnode.core;

import dev.betanet.mixnode.sphinx.SphinxProcessors;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.NodeKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * Real packets: built with the protocol's PacketBuilder as a router would, processed by the
 * mixnodes with the protocol's PacketProcessor, opened at the sink with the sink router's key.
 */
final class SphinxKit implements PacketKit {

  private final X25519 x25519 = X25519.bestAvailable();

  @Override
  public HopProcessorFactory processors() {
    // One factory (one replay filter) per node: each node in the tests gets its own kit call.
    return new SphinxProcessors(BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 1_000), x25519);
  }

  @Override
  public byte[] build(
      TestNet net, long delayMillis, byte[] payload, NodeKeys.EpochKey firstHopKey, int... path) {
    List<PathHop> hops = new ArrayList<>();
    for (int i = 0; i < path.length; i++) {
      NodeKeys node = net.keys.get(path[i]);
      NodeKeys.EpochKey key = i == 0 ? firstHopKey : node.current();
      hops.add(
          new PathHop(
              NodeRef.ofIdentity(node.identityPublic().bytes()),
              key.publicKey().bytes(),
              key.epoch(),
              delayMillis));
    }
    NodeKeys sink = net.sinkKeys;
    hops.add(
        new PathHop(
            NodeRef.ofIdentity(sink.identityPublic().bytes()),
            sink.current().publicKey().bytes(),
            sink.current().epoch(),
            0));
    var builder =
        new PacketBuilder(SphinxProcessors.geometryOf(TestNet.PACKET_SIZE), x25519, TestNet.RANDOM);
    return builder.forward(hops, payload).packet();
  }

  @Override
  public byte[] open(TestNet net, byte[] arrived) {
    NodeKeys sink = net.sinkKeys;
    // A fresh replay filter per call: a test may open what arrived more than once.
    var sinkProcessor =
        new PacketProcessor(
            SphinxProcessors.geometryOf(TestNet.PACKET_SIZE),
            KeyRing.of(sink.current().epoch(), X25519PrivateKey.of(sink.current().privateKey())),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 1_000),
            x25519);
    try {
      // A copy: processing works in place and the test may look at the packet again.
      return sinkProcessor.process(arrived.clone()) instanceof ProcessResult.Deliver deliver
          ? deliver.message()
          : null;
    } catch (PacketException e) {
      return null;
    }
  }
}
