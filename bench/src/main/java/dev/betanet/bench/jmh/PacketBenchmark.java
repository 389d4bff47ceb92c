package dev.betanet.bench.jmh;

import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.OutgoingPacket;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets processed per second at one hop (one thread, so per core) and packets created per second
 * for a 3-mix + exit path, with the same X25519 implementation as {@link X25519Benchmark}, so the
 * report can divide one by the other.
 *
 * <p>Processing runs the real replay filter (sized for 50,000 packets/s): one packet is processed
 * over and over, so the filter sees its tag XORed with a counter, which costs the same as a fresh
 * tag and never reports a replay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacketBenchmark {

  @Param({"bouncycastle", "openssl"})
  public String implementation;

  private PacketProcessor processor;
  private PacketBuilder builder;
  private List<PathHop> path;
  private byte[] template;
  private byte[] work;
  private final byte[] message = new byte[1024];

  @Setup
  public void setUp() {
    X25519 x25519 = X25519.named(implementation);
    SecureRandom random = new SecureRandom();
    PacketGeometry geometry = PacketGeometry.DEFAULT;
    builder = new PacketBuilder(geometry, x25519, random);
    path = new ArrayList<>();
    X25519PrivateKey firstKey = null;
    for (int i = 0; i < 4; i++) {
      byte[] identity = new byte[32];
      random.nextBytes(identity);
      X25519PrivateKey key = X25519PrivateKey.generate(random);
      if (i == 0) {
        firstKey = key;
      }
      path.add(new PathHop(NodeRef.ofIdentity(identity), key.publicKey(), 1, 50));
    }
    processor =
        new PacketProcessor(geometry, KeyRing.of(1, firstKey), new FreshTagFilter(), x25519);
    random.nextBytes(message);
    OutgoingPacket packet = builder.forward(path, message);
    template = packet.packet();
    work = new byte[template.length];
  }

  /** One hop: the mixnode's whole per-packet crypto, replay filter included. */
  @Benchmark
  public Object processOneHop() throws PacketException {
    System.arraycopy(template, 0, work, 0, template.length);
    ProcessResult result = processor.process(work);
    if (!(result instanceof ProcessResult.Forward)) {
      throw new IllegalStateException("BUG: expected a forward result, got " + result);
    }
    return result;
  }

  /** A forward packet over 3 mixes and an exit: the router's per-packet crypto. */
  @Benchmark
  public OutgoingPacket createFourHopPacket() {
    return builder.forward(path, message);
  }
}
