package dev.betanet.router.connect;

import dev.betanet.protocol.mixing.ExponentialDelay;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.packet.Surb;
import dev.betanet.protocol.packet.SurbId;
import dev.betanet.protocol.packet.SurbPair;
import dev.betanet.protocol.packet.SurbSecrets;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.Topology.MixnodeEntry;
import dev.betanet.protocol.topology.Topology.RouterNode;
import dev.betanet.router.entry.PathSelector;
import dev.betanet.router.entry.SuspectNodes;
import dev.betanet.router.packet.PacketOutlet;
import dev.betanet.router.state.Outcomes;
import dev.betanet.router.state.RouterFailure;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.state.StreamSettings;
import dev.betanet.router.stream.StreamEndpoint;
import dev.betanet.router.stream.StreamMetrics;
import dev.betanet.router.stream.StreamTiming;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.MessageException;
import dev.betanet.router.wire.StreamFrame;
import dev.betanet.router.wire.StreamReset;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The entry's streams over the mixnet: opens a stream to the exit hosting a .fog name, builds its
 * packets (on worker threads: each SURB and each forward packet costs an X25519 per hop), and
 * routes the replies that come back through the stream's SURBs to its endpoint.
 *
 * <p>Every packet takes its own path from {@link PathSelector}, like requests and cover. A reply
 * clears the nodes of its SURB and of the packet that carried the SURB ({@link
 * SuspectNodes#confirm}); a segment sent again is evidence against the path of its lost copy
 * ({@link SuspectNodes#lost}), so retransmissions steer around a dead node.
 */
public final class MixnetStreams {

  /** Builds and sends one stream packet. */
  interface Packets {
    void send(EntryStream stream, int surbCount, byte[] frame, int reliableSeq);
  }

  private record SurbUse(long streamId, SurbSecrets secrets, List<String> nodes) {}

  private record Sent(List<List<String>> paths, long at) {}

  private final Vertx vertx;
  private final Supplier<RouterState> state;
  private final PacketOutlet outlet;
  private final PathSelector paths;
  private final SuspectNodes suspects;
  private final StreamSettings settings;
  private final RouterMetrics routerMetrics;
  private final StreamMetrics metrics;
  private final SecureRandom random;
  private final Map<Long, EntryStream> streams = new ConcurrentHashMap<>();
  private final Map<SurbId, SurbUse> surbs = new ConcurrentHashMap<>();
  private final Map<Long, Map<Integer, Sent>> sentPaths = new ConcurrentHashMap<>();
  private final Map<Long, List<SurbId>> surbsByStream = new ConcurrentHashMap<>();

  public MixnetStreams(
      Vertx vertx,
      Supplier<RouterState> state,
      PacketOutlet outlet,
      PathSelector paths,
      SuspectNodes suspects,
      StreamSettings settings,
      RouterMetrics routerMetrics,
      StreamMetrics metrics,
      SecureRandom random) {
    this.vertx = vertx;
    this.state = state;
    this.outlet = outlet;
    this.paths = paths;
    this.suspects = suspects;
    this.settings = settings;
    this.routerMetrics = routerMetrics;
    this.random = random;
    this.metrics = metrics;
    metrics.track(this::endpoints);
  }

  private java.util.stream.Stream<StreamEndpoint> endpoints() {
    return streams.values().stream().map(s -> s.endpoint).filter(e -> !e.finished());
  }

  /**
   * Opens a stream to {@code host:port} through the mixnet, on {@code context} (the client
   * socket's). Completes once the exit accepted it; fails with a {@link StreamRefusal}.
   */
  Future<StreamDispatcher.Opened> open(String host, int port, Context context) {
    RouterState current = state.get();
    try {
      RouterState.exitFor(current, host);
    } catch (RouterFailure f) {
      return Outcomes.UNAVAILABLE.equals(f.outcome())
          ? unavailable(f.getMessage())
          : refused(StreamReset.UNKNOWN_NAME, f.getMessage());
    }
    if (paths.select(current.topology()).isEmpty()) {
      return unavailable("no path through the mixnet (no usable node in a layer)");
    }
    if (streams.size() >= settings.maxStreams()) {
      return refused(StreamReset.OVERLOAD, "too many streams at this router");
    }
    long id = random.nextLong();
    Envelope envelope = current.envelope();
    int surbBytes = envelope.streamFrameBytes(0) - envelope.streamFrameBytes(1);
    int maxSurbs = 2 * settings.maxWindowSegments() + 16;
    EntryStream stream =
        new EntryStream(
            id,
            host,
            context,
            envelope,
            surbBytes,
            this::sendPacket,
            new SurbSupply(8, maxSurbs, System.currentTimeMillis()),
            System::currentTimeMillis,
            outlet::drainMillis);
    stream.endpoint =
        new StreamEndpoint(
            settings,
            stream,
            listener(stream),
            System::currentTimeMillis,
            0,
            StreamTiming.initialRtoMillis(current.topology()));
    streams.put(id, stream);
    sentPaths.put(id, new ConcurrentHashMap<>());
    surbsByStream.put(id, new ArrayList<>());
    context.runOnContext(
        v ->
            stream.timer =
                EntryOpening.start(
                    vertx, stream.endpoint, stream.opened, settings.openTimeout(), host, port));
    return stream.opened.future().map(s -> new StreamDispatcher.Opened(s.endpoint, s.context));
  }

  private Future<StreamDispatcher.Opened> unavailable(String message) {
    metrics.finished("mixnet", "refused_" + Outcomes.UNAVAILABLE);
    return Future.failedFuture(StreamRefusal.mixnetUnavailable(message));
  }

  private Future<StreamDispatcher.Opened> refused(StreamReset reason, String message) {
    metrics.finished("mixnet", "refused_" + reason.word());
    return Future.failedFuture(new StreamRefusal(reason, message));
  }

  private StreamEndpoint.Listener listener(EntryStream stream) {
    return new EntryStreamListener<>(
        vertx,
        metrics,
        "mixnet",
        "the exit did not accept the stream: ",
        stream.opened,
        stream,
        () -> forget(stream));
  }

  private void forget(EntryStream stream) {
    vertx.cancelTimer(stream.timer);
    streams.remove(stream.id);
    sentPaths.remove(stream.id);
    List<SurbId> ids = surbsByStream.remove(stream.id);
    if (ids != null) {
      synchronized (ids) {
        ids.forEach(surbs::remove);
      }
    }
  }

  /** Streams held now (open, opening, or lingering after their end). */
  public int held() {
    return streams.size();
  }

  /** The longest smoothed round trip among open streams, in ms (-1 with none measured). */
  public long longestRoundTripMillis() {
    return endpoints().mapToLong(StreamEndpoint::srttMillis).max().orElse(-1);
  }

  /**
   * A reply for this router (on a crypto thread): true when it came through a stream's SURB (then
   * it is handled here), false when the SURB is not a stream's.
   */
  public boolean onReply(ProcessResult.ReplyDelivery delivery) {
    SurbUse use = surbs.remove(delivery.surbId());
    if (use == null) {
      return false;
    }
    EntryStream stream = streams.get(use.streamId());
    StreamFrame frame;
    try {
      Envelope.Reply reply = Envelope.parseStreamReply(use.secrets().openReply(delivery.payload()));
      if (reply.requestId() != use.streamId()) {
        throw new MessageException("reply for another stream");
      }
      frame = StreamFrame.decode(reply.body());
    } catch (PacketException | MessageException e) {
      routerMetrics.refused("bad_stream_reply");
      return true;
    }
    suspects.confirm(use.nodes());
    if (stream != null) {
      stream.context.runOnContext(v -> stream.onFrame(frame));
    }
    return true;
  }

  /** Builds one packet (on a worker) and hands it to the outlet. */
  private void sendPacket(EntryStream stream, int surbCount, byte[] frame, int reliableSeq) {
    vertx.executeBlocking(
        () -> {
          build(stream, surbCount, frame, reliableSeq);
          return null;
        },
        false);
  }

  private void build(EntryStream stream, int surbCount, byte[] frame, int reliableSeq) {
    RouterState current = state.get();
    Optional<RouterNode> exit = current.topology().routerHosting(stream.host);
    Optional<List<MixnodeEntry>> forward = paths.select(current.topology());
    if (exit.isEmpty() || forward.isEmpty()) {
      routerMetrics.refused("stream_no_path"); // lost: the endpoint's timers send it again
      return;
    }
    List<String> carrierIds = ids(forward.get());
    List<List<String>> sentOn = new ArrayList<>();
    sentOn.add(withSender(current.files().keys().nodeId(), carrierIds));
    List<Surb> batch = new ArrayList<>(surbCount);
    for (int i = 0; i < surbCount; i++) {
      Optional<List<MixnodeEntry>> back = paths.select(current.topology());
      if (back.isEmpty()) {
        break;
      }
      List<PathHop> hops = hops(current, back.get());
      hops.add(current.selfHop());
      SurbPair pair = current.builder().surb(hops);
      List<String> nodes = new ArrayList<>(ids(back.get()));
      nodes.addAll(carrierIds);
      remember(stream.id, pair.secrets(), List.copyOf(nodes));
      routerMetrics.surbMade();
      batch.add(pair.surb());
    }
    byte[] message = current.envelope().stream(stream.id, batch, frame);
    List<PathHop> hops = hops(current, forward.get());
    hops.add(RouterState.hop(exit.get()));
    outlet.send(
        forward.get().getFirst().address(), current.builder().forward(hops, message).packet());
    if (reliableSeq >= 0) {
      noteSent(stream.id, reliableSeq, sentOn);
    }
  }

  /** A reliable segment sent again is evidence against the path its last copy took. */
  private void noteSent(long streamId, int seq, List<List<String>> sentOn) {
    Map<Integer, Sent> sent = sentPaths.get(streamId);
    if (sent == null) {
      return;
    }
    Sent previous = sent.put(seq, new Sent(sentOn, System.currentTimeMillis()));
    if (previous != null) {
      suspects.lost(previous.paths(), previous.at());
    }
    if (sent.size() > 4 * settings.maxWindowSegments()) {
      sent.keySet().removeIf(s -> s < seq - 2 * settings.maxWindowSegments());
    }
  }

  private void remember(long streamId, SurbSecrets secrets, List<String> nodes) {
    List<SurbId> ids = surbsByStream.get(streamId);
    if (ids == null) {
      return; // the stream ended meanwhile: the SURB is sent but answers nothing
    }
    surbs.put(secrets.surbId(), new SurbUse(streamId, secrets, nodes));
    synchronized (ids) {
      ids.add(secrets.surbId());
      // Bounded: SURBs never answered (lost, or the exit dropped them) make room for new ones.
      int max = 4 * settings.maxWindowSegments() + 64;
      if (ids.size() > max) {
        List<SurbId> oldest = ids.subList(0, ids.size() - max);
        oldest.forEach(surbs::remove);
        oldest.clear();
      }
    }
  }

  private static List<String> ids(List<MixnodeEntry> mixes) {
    return mixes.stream().map(MixnodeEntry::id).toList();
  }

  private static List<String> withSender(String sender, List<String> mixes) {
    List<String> path = new ArrayList<>(mixes.size() + 1);
    path.add(sender);
    path.addAll(mixes);
    return List.copyOf(path);
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

  public void close() {
    streams
        .values()
        .forEach(s -> s.context.runOnContext(v -> s.endpoint.reset(StreamReset.ABORTED)));
  }
}
