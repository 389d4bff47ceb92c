package dev.betanet.router.entry;

import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.protocol.packet.SurbId;
import dev.betanet.protocol.packet.SurbPair;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import dev.betanet.router.packet.PacketOutlet;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and sends a request's packets: its fragments, each on a fresh path with a fresh SURB, and
 * batches of SURBs for the response. Every SURB is remembered in the {@link SurbRegistry} with the
 * nodes it and its carrier cross. Runs on a worker thread: each SURB and each forward packet costs
 * an X25519 per hop.
 */
final class RequestSender {

  private final PacketOutlet links;
  private final PathSelector paths;
  private final SurbRegistry surbs;
  private final RouterMetrics metrics;
  private final SecureRandom random;

  RequestSender(
      PacketOutlet links,
      PathSelector paths,
      SurbRegistry surbs,
      RouterMetrics metrics,
      SecureRandom random) {
    this.links = links;
    this.paths = paths;
    this.surbs = surbs;
    this.metrics = metrics;
    this.random = random;
  }

  /** Sends every fragment of {@code p} not yet acknowledged, then {@code surbCount} SURBs. */
  void sendRound(RouterState current, PendingRequest p, int surbCount) {
    RouterNode exit = exitOf(current, p);
    for (int i = 0; i < p.fragments.size(); i++) {
      synchronized (p) {
        if (p.done || p.acked[i]) {
          continue;
        }
      }
      List<MixnodeEntry> forward = path(current);
      SurbPair surb = newSurb(current, p, exit, forward, false);
      sendForward(
          current,
          p,
          exit,
          forward,
          current.envelope().request(p.id, surb.surb(), p.fragments.get(i)),
          List.of(surb.secrets().surbId()));
    }
    sendSurbs(current, p, exit, surbCount);
  }

  /** Sends {@code count} SURBs for {@code p}'s response, packed as many to a packet as fit. */
  void sendSurbs(RouterState current, PendingRequest p, int count) {
    sendSurbs(current, p, exitOf(current, p), count);
  }

  private void sendSurbs(RouterState current, PendingRequest p, RouterNode exit, int count) {
    int perPacket = current.envelope().surbsPerPacket();
    // SURBs for a request whose every fragment was acknowledged say so: an exit that holds no such
    // request lost it in a restart and answers UNKNOWN_REQUEST instead of waiting for it.
    boolean afterAck = p.allAcknowledged();
    while (count > 0) {
      int n = Math.min(count, perPacket);
      List<MixnodeEntry> forward = path(current);
      List<Surb> batch = new ArrayList<>(n);
      List<SurbId> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        SurbPair pair = newSurb(current, p, exit, forward, true);
        batch.add(pair.surb());
        ids.add(pair.secrets().surbId());
      }
      sendForward(current, p, exit, forward, current.envelope().surbs(p.id, batch, afterAck), ids);
      count -= n;
    }
  }

  private static RouterNode exitOf(RouterState current, PendingRequest p) {
    return current
        .topology()
        .routerHosting(p.host)
        .orElseThrow(
            () -> new RouterFailure(502, "error", p.host + " left the topology in flight"));
  }

  /** A SURB back to this router, remembered with the nodes it and its carrier cross. */
  private SurbPair newSurb(
      RouterState current,
      PendingRequest p,
      RouterNode exit,
      List<MixnodeEntry> carrier,
      boolean forResponse) {
    List<MixnodeEntry> mixes = path(current);
    List<PathHop> hops = hops(current, mixes);
    hops.add(current.selfHop());
    SurbPair pair = current.builder().surb(hops);
    List<String> ids = new ArrayList<>(mixes.size() * 2);
    mixes.forEach(m -> ids.add(m.id()));
    carrier.forEach(m -> ids.add(m.id()));
    surbs.remember(
        pair.secrets().surbId(), new SurbRegistry.SurbUse(p.id, pair.secrets(), List.copyOf(ids)));
    metrics.surbMade();
    synchronized (p) {
      if (p.done) {
        // Finished while this batch was being built (a one-packet request's own SURB can carry
        // the whole response first). The batch is still sent whole, so the exit always sees the
        // bucket's count; but the request was forgotten, so the SURB must not stay registered.
        surbs.forget(List.of(pair.secrets().surbId()));
      }
      p.surbIds.add(pair.secrets().surbId());
      if (forResponse) {
        p.responseSurbIds.add(pair.secrets().surbId());
      }
      // Each path with the router that sends into it: the forward packet leaves this router, the
      // reply leaves the exit. SuspectNodes weighs a loss by the hop before each node.
      p.roundPaths.add(withSender(current.files().keys().nodeId(), carrier));
      p.roundPaths.add(withSender(exit.id(), mixes));
    }
    return pair;
  }

  private static List<String> withSender(String sender, List<MixnodeEntry> mixes) {
    List<String> path = new ArrayList<>(mixes.size() + 1);
    path.add(sender);
    mixes.forEach(m -> path.add(m.id()));
    return List.copyOf(path);
  }

  /**
   * Hands one forward packet to the send queue. A refused packet (queue full, counted there) never
   * leaves: its SURBs are forgotten, so they do not count as out, and a fragment in it stays
   * unacknowledged for the next round. A request none of whose packets was taken fails at once
   * (503, {@code send_queue_full}) instead of waiting for a timeout.
   */
  private void sendForward(
      RouterState current,
      PendingRequest p,
      RouterNode exit,
      List<MixnodeEntry> mixes,
      byte[] message,
      List<SurbId> carried) {
    List<PathHop> hops = hops(current, mixes);
    hops.add(RouterState.hop(exit));
    OutgoingPacket packet = current.builder().forward(hops, message);
    p.queued();
    if (links.send(mixes.getFirst().address(), packet.packet(), () -> p.departed(true))) {
      synchronized (p) {
        p.packetsLeft = true;
      }
      return;
    }
    p.departed(false);
    surbs.forget(carried);
    boolean nothingLeft;
    synchronized (p) {
      p.surbIds.removeAll(carried);
      p.responseSurbIds.removeAll(carried);
      nothingLeft = !p.packetsLeft;
    }
    if (nothingLeft) {
      throw SEND_QUEUE_FULL;
    }
  }

  /** The failure of a request whose first packet the send queue refused. */
  static final RouterFailure SEND_QUEUE_FULL =
      new RouterFailure(
          503, "overload", "send_queue_full", "the send queue of this router is full");

  private List<MixnodeEntry> path(RouterState current) {
    return paths
        .select(current.topology())
        .orElseThrow(
            () ->
                new RouterFailure(
                    503, "unavailable", "no path through the mixnet (no usable node in a layer)"));
  }

  private List<PathHop> hops(RouterState current, List<MixnodeEntry> mixes) {
    long mean = current.topology().mixing().meanDelayMillis();
    List<PathHop> hops = new ArrayList<>(mixes.size() + 1);
    for (MixnodeEntry node : mixes) {
      hops.add(
          RouterState.hop(node, ExponentialDelay.drawBelow(mean, ReplayWindow.DEFAULT, random)));
    }
    return hops;
  }
}
