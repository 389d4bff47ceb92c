package dev.betanet.bench.jmh;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.NodeKeys;
import dev.betanet.protocol.topology.Topology;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-packet cost of a mutual-TLS 1.3 packet link against a plain one, on one core: a router's
 * and a mixnode's {@link LinkTls} (the services' own key and trust managers) shake hands once over
 * in-memory JDK {@link SSLEngine}s, then each operation protects framed 2,048-byte packets on the
 * sending side and checks and decrypts them on the receiving side — what both ends of a link spend
 * on TLS per packet. Sockets are left out: they cost the same with or without TLS.
 *
 * <ul>
 *   <li>{@code tlsOnePacketPerRecord}: a packet alone in its record (a link that is idle between
 *       packets, the open-loop case of issue 15);
 *   <li>{@code tlsSevenPacketsPerRecord}: seven frames in one record, as a busy link's 32 KiB
 *       coalesced writes become 16 KiB records (per packet: the JMH figure is per packet);
 *   <li>{@code plainCopy}: the plain link's work at the same place: the frame copied once.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LinkBenchmark {

  private static final int FRAME = 4 + 2048;
  private static final int BATCH = 7;

  private SSLEngine client;
  private SSLEngine server;
  private ByteBuffer one;
  private ByteBuffer seven;
  private ByteBuffer wire;
  private ByteBuffer received;
  private ByteBuffer copy;

  @Setup
  public void setUp() throws Exception {
    var random = new SecureRandom();
    var operator = Ed25519Keys.publicOf(Ed25519Keys.generatePrivate(random));
    NodeKeys router = NodeKeys.generate("router", operator, 1, random);
    NodeKeys mix = NodeKeys.generate("mix", operator, 1, random);
    Topology topology =
        new Topology(
            Topology.FORMAT_VERSION,
            "bench",
            "default",
            1,
            Instant.now(),
            2048,
            new Topology.Mixing(0, 0),
            List.of(
                new Topology.Layer(
                    0,
                    List.of(
                        new Topology.MixnodeEntry(
                            "mix",
                            "127.0.0.1:1789",
                            "f",
                            "",
                            mix.current().publicKey(),
                            1,
                            mix.identityPublic(),
                            true)))),
            List.of(
                new Topology.RouterNode(
                    "router",
                    "127.0.0.1:1790",
                    "127.0.0.1:1791",
                    router.current().publicKey(),
                    1,
                    router.identityPublic(),
                    List.of())),
            new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
    LinkPeers anyNode = LinkPeers.anyNode(topology);
    LinkPeers intoMix = LinkPeers.intoMixnode(topology, "mix");
    client =
        new LinkTls(LinkIdentity.of(router), () -> null, () -> anyNode)
            .sslContext()
            .createSSLEngine();
    server =
        new LinkTls(LinkIdentity.of(mix), () -> intoMix, () -> anyNode)
            .sslContext()
            .createSSLEngine();
    client.setUseClientMode(true);
    client.setEnabledProtocols(new String[] {LinkTls.PROTOCOL});
    server.setUseClientMode(false);
    server.setNeedClientAuth(true);
    server.setEnabledProtocols(new String[] {LinkTls.PROTOCOL});
    int packetBuffer = client.getSession().getPacketBufferSize();
    wire = ByteBuffer.allocateDirect(4 * packetBuffer);
    received = ByteBuffer.allocateDirect(4 * client.getSession().getApplicationBufferSize());
    handshake(packetBuffer);
    byte[] frames = new byte[FRAME * BATCH];
    random.nextBytes(frames);
    one = ByteBuffer.allocateDirect(FRAME).put(frames, 0, FRAME).flip();
    seven = ByteBuffer.allocateDirect(FRAME * BATCH).put(frames).flip();
    copy = ByteBuffer.allocateDirect(FRAME * BATCH);
    System.out.println("# negotiated " + client.getSession().getCipherSuite());
  }

  /** Runs both engines against each other in memory until neither has handshake work left. */
  private void handshake(int packetBuffer) throws SSLException {
    ByteBuffer toServer = ByteBuffer.allocate(4 * packetBuffer);
    ByteBuffer toClient = ByteBuffer.allocate(4 * packetBuffer);
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer sink = ByteBuffer.allocate(4 * client.getSession().getApplicationBufferSize());
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 100 && !(done(client) && done(server)); round++) {
      step(client, empty, toServer, toClient, sink);
      step(server, empty, toClient, toServer, sink);
    }
    if (!done(client) || !done(server)) {
      throw new IllegalStateException("the link handshake did not finish");
    }
  }

  private static boolean done(SSLEngine engine) {
    SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
    return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || status == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  private static void step(
      SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
      throws SSLException {
    engine.wrap(empty, out);
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
    in.flip();
    while (in.hasRemaining()) {
      SSLEngineResult r = engine.unwrap(in, sink);
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
      if (r.bytesConsumed() == 0) {
        break;
      }
    }
    in.compact();
    sink.clear();
  }

  @Benchmark
  public int tlsOnePacketPerRecord() throws SSLException {
    return protectAndOpen(one);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int tlsSevenPacketsPerRecord() throws SSLException {
    return protectAndOpen(seven);
  }

  @Benchmark
  public int plainCopy() {
    one.rewind();
    copy.clear();
    copy.put(one);
    return copy.position();
  }

  private int protectAndOpen(ByteBuffer frames) throws SSLException {
    frames.rewind();
    wire.clear();
    client.wrap(frames, wire);
    wire.flip();
    received.clear();
    server.unwrap(wire, received);
    return received.position();
  }
}
