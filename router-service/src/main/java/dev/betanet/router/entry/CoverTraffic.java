package dev.betanet.router.entry;

import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import dev.betanet.router.packet.SendQueue;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The cover packets that fill the send queue's empty slots ({@link SendQueue}): it has no timer of
 * its own, the queue asks for one packet whenever it needs a packet in reserve. Each is, with equal
 * probability, <b>loop</b> cover (through one mixnode per layer and back to this router, as the
 * mixnodes' own loops) or <b>drop</b> cover (addressed to another router of the topology chosen
 * uniformly, which counts and drops it), so the packets that reach an exit from the mixnet are not
 * only requests. Paths come from the same {@link PathSelector#select} as requests and SURBs,
 * suspects included, and per-hop delays are drawn as for real packets: a cover packet looks like
 * any other on every link. With no other router every cover packet is a loop.
 */
public final class CoverTraffic implements SendQueue.CoverSource {

  private final Supplier<RouterState> state;
  private final PathSelector paths;
  private final RandomGenerator random;

  public CoverTraffic(Supplier<RouterState> state, PathSelector paths, RandomGenerator random) {
    this.state = state;
    this.paths = paths;
    this.random = random;
  }

  /** One loop or drop cover packet; empty when there is no state yet or no path. */
  @Override
  public Optional<SendQueue.Departure> next() {
    RouterState current = state.get();
    if (current == null) {
      return Optional.empty();
    }
    // The same selection as requests and SURBs, suspects included: see PathSelector.
    Optional<List<MixnodeEntry>> path = paths.select(current.topology());
    if (path.isEmpty()) {
      return Optional.empty();
    }
    long meanDelay = current.topology().mixing().meanDelayMillis();
    List<PathHop> hops = new ArrayList<>();
    for (MixnodeEntry node : path.get()) {
      hops.add(
          RouterState.hop(
              node, ExponentialDelay.drawBelow(meanDelay, ReplayWindow.DEFAULT, random)));
    }
    Optional<RouterNode> dropAt = random.nextBoolean() ? otherRouter(current) : Optional.empty();
    hops.add(dropAt.map(RouterState::hop).orElse(current.selfHop()));
    OutgoingPacket packet = current.builder().forward(hops, Envelope.cover());
    return Optional.of(new SendQueue.Departure(path.get().getFirst().address(), packet.packet()));
  }

  /** A router of the topology other than this one, uniformly; empty when there is none. */
  private Optional<RouterNode> otherRouter(RouterState current) {
    String self = current.files().keys().nodeId();
    List<RouterNode> others =
        current.topology().routers().stream().filter(r -> !r.id().equals(self)).toList();
    return others.isEmpty()
        ? Optional.empty()
        : Optional.of(others.get(random.nextInt(others.size())));
  }
}
