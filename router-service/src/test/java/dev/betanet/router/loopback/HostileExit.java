package dev.betanet.router.loopback;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.node.NodeFiles;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.HttpMessages;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An exit router played by the test, as an attacker would run one: it listens on the exit's packet
 * port with the exit's keys, peels what the mixnet delivers exactly as a router does, counts what
 * it learns (request packets, SURBs per request) and answers only as its {@link Behaviour} says,
 * over real sockets back into the mixnet. It also holds the exit's tunnel port, to see whether the
 * entry ever opens the direct tunnel (which would name the entry router).
 */
final class HostileExit implements AutoCloseable {

  /** What the exit does with the SURBs it holds for a request, after each packet it receives. */
  interface Behaviour {
    void onPacket(HostileExit exit, long requestId);
  }

  /** Says nothing, ever: the request times out at the entry. */
  static final Behaviour SILENT = (exit, id) -> {};

  /**
   * Answers each request with an empty 200, as an honest exit would (one response fragment through
   * one held SURB): a request that gets it has crossed every link of the forward and reply paths.
   */
  static final Behaviour ANSWER = (exit, id) -> exit.answerOnce(id);

  private final RouterState state;
  private final LinkTls tls;
  private final TestCluster cluster;
  private final ServerSocket packetPort;
  private final ServerSocket tunnelPort;
  private final Map<String, DataOutputStream> links = new HashMap<>();
  private final Map<Long, Deque<Surb>> held = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> surbsReceived = new ConcurrentHashMap<>();
  private final Set<Long> answered = ConcurrentHashMap.newKeySet();
  final AtomicInteger requestPackets = new AtomicInteger();
  final AtomicInteger tunnelConnections = new AtomicInteger();
  final AtomicInteger moreSurbsSent = new AtomicInteger();
  volatile Behaviour behaviour = SILENT;

  HostileExit(TestCluster cluster) throws IOException {
    this.cluster = cluster;
    this.state =
        new RouterState(
            new NodeFiles.State(cluster.exitKeys, cluster.topology()),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 10_000),
            X25519.bestAvailable(),
            TestCluster.RANDOM);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // The exit's own link identity: the last layer's mixnodes deliver to it over mutual TLS, and
    // the SURBs' first hops take its replies.
    Topology topology = cluster.topology();
    this.tls =
        new LinkTls(
            LinkIdentity.of(cluster.exitKeys),
            () -> LinkPeers.intoRouter(topology),
            () -> LinkPeers.anyNode(topology));
    this.packetPort = tls.serverSocket(loopback, cluster.exitPacketPort, 50);
    this.tunnelPort = new ServerSocket(cluster.exitTunnelPort, 50, loopback);
    Thread.ofVirtual().start(this::acceptPackets);
    Thread.ofVirtual().start(this::acceptTunnels);
  }

  /** SURBs this exit received for {@code requestId}: what it can count to fingerprint an entry. */
  int surbsReceived(long requestId) {
    AtomicInteger count = surbsReceived.get(requestId);
    return count == null ? 0 : count.get();
  }

  /** Every request id seen so far. */
  Set<Long> requestIds() {
    return Set.copyOf(surbsReceived.keySet());
  }

  /** SURBs held for {@code requestId} and not yet spent. */
  int surbsHeld(long requestId) {
    Deque<Surb> surbs = held.get(requestId);
    synchronized (this) {
      return surbs == null ? 0 : surbs.size();
    }
  }

  /** Spends one held SURB of {@code requestId} on a {@code MORE_SURBS(count)}; false if none. */
  synchronized boolean askForMoreSurbs(long requestId, int count) {
    Deque<Surb> surbs = held.get(requestId);
    if (surbs == null || surbs.isEmpty()) {
      return false;
    }
    reply(surbs.removeFirst(), Envelope.moreSurbs(requestId, count));
    moreSurbsSent.incrementAndGet();
    return true;
  }

  private synchronized void answerOnce(long requestId) {
    Deque<Surb> surbs = held.get(requestId);
    if (surbs == null || surbs.isEmpty() || !answered.add(requestId)) {
      return;
    }
    byte[] response = HttpMessages.encode(new HttpMessages.Response(200, List.of(), new byte[0]));
    List<byte[]> fragments =
        new Fragments(state.envelope().responseFragmentBytes()).split(requestId, response);
    reply(surbs.removeFirst(), Envelope.reply(Envelope.RESPONSE, requestId, fragments.getFirst()));
  }

  private void acceptPackets() {
    while (!packetPort.isClosed()) {
      try {
        Socket socket = packetPort.accept();
        Thread.ofVirtual().start(() -> read(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void acceptTunnels() {
    while (!tunnelPort.isClosed()) {
      try (Socket socket = tunnelPort.accept()) {
        tunnelConnections.incrementAndGet();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void read(Socket socket) {
    try (socket;
        var in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        byte[] packet = new byte[in.readInt()];
        in.readFully(packet);
        if (state.processor().process(packet) instanceof ProcessResult.Deliver deliver) {
          onMessage(state.envelope().parseForward(deliver.message()));
        }
      }
    } catch (Exception e) {
      // the entry's link closed (or a packet this test did not expect): stop reading it
    }
  }

  private void onMessage(Envelope.Forward forward) {
    if (forward.kind() == Envelope.COVER) {
      return;
    }
    long id = forward.requestId();
    if (forward.kind() == Envelope.REQUEST) {
      requestPackets.incrementAndGet();
    }
    surbsReceived.computeIfAbsent(id, k -> new AtomicInteger()).addAndGet(forward.surbs().size());
    synchronized (this) {
      held.computeIfAbsent(id, k -> new ArrayDeque<>()).addAll(forward.surbs());
    }
    behaviour.onPacket(this, id);
  }

  /** Sends {@code message} back through {@code surb}, into the mixnet at the SURB's first hop. */
  private synchronized void reply(Surb surb, byte[] message) {
    OutgoingPacket packet = PacketBuilder.reply(state.geometry(), surb, message);
    // Around any link tap: what a tap in front of a first-layer node observes is the entry alone.
    String address = cluster.untapped(state.addressOf(packet.firstHop()));
    try {
      DataOutputStream out = links.get(address);
      if (out == null) {
        String[] hostPort = address.split(":");
        Socket socket =
            tls.connect(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1]));
        out = new DataOutputStream(socket.getOutputStream());
        links.put(address, out);
      }
      out.writeInt(packet.packet().length);
      out.write(packet.packet());
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the SURB's first hop " + address, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    packetPort.close();
    tunnelPort.close();
    for (DataOutputStream out : links.values()) {
      out.close();
    }
  }
}
