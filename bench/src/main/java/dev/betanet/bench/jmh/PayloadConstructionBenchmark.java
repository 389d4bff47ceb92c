package dev.betanet.bench.jmh;

import dev.betanet.bench.payload.Hashes;
import dev.betanet.bench.payload.KeyedHash;
import dev.betanet.bench.payload.LionessConstruction;
import dev.betanet.protocol.crypto.ChaCha20;
import dev.betanet.protocol.crypto.Hkdf;
import dev.betanet.protocol.crypto.HmacSha256;
import dev.betanet.protocol.crypto.Lioness;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketException;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.replay.ReplayFilter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.KeyAgreement;
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
 * Where a hop's symmetric time goes, and what cheaper payload constructions would save (issue 15;
 * docs/protocol.md "Payload construction cost", docs/benchmarks.md). Microseconds per operation,
 * all in one run so the ratios are taken between figures measured side by side. Sampled per
 * operation ({@code SampleTime}) so that the report can use medians: on the shared, loaded machine
 * an operation that spans a preemption waits out other threads' time slices, which swamps a mean.
 *
 * <ul>
 *   <li>one X25519 agreement: OpenSSL (FFM), the JDK ({@code KeyAgreement("X25519")}), Bouncy
 *       Castle;
 *   <li>one hop through the real {@link PacketProcessor} with OpenSSL, and the same with the
 *       agreement replayed ({@link ReplayedAgreement}): the hop's symmetric work;
 *   <li>the header's parts (HKDF key schedule, header MAC, header stream, replay filter) and
 *       Lioness's (one ChaCha20 round, one HMAC round over R) on the default geometry's sizes;
 *   <li>Lioness decryption of the real payload with each candidate hash ({@link Hashes}), and one
 *       hash round of each.
 * </ul>
 *
 * Every keyed call gets a different key (a byte of each 32-byte key is incremented), as every
 * packet has its own keys.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PayloadConstructionBenchmark {

  private static final PacketGeometry GEOMETRY = PacketGeometry.DEFAULT;
  private static final int PAYLOAD = GEOMETRY.payloadBytes();
  private static final int RIGHT = PAYLOAD - Lioness.LEFT_BYTES;
  private static final byte[] SALT = "betanet/packet/v1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_SCHEDULE_BYTES = 220;

  private final SecureRandom random = new SecureRandom();

  private X25519 openSsl;
  private X25519 bouncyCastle;
  private final byte[] scalar = new byte[X25519.KEY_BYTES];
  private byte[] peerPublic;
  private final byte[] shared = new byte[X25519.KEY_BYTES];
  private KeyAgreement jdkAgreement;
  private KeyPair jdkOwn;
  private KeyPair jdkPeer;

  private PacketProcessor hop;
  private PacketProcessor hopWithoutAgreement;
  private byte[] template;
  private final byte[] work = new byte[GEOMETRY.packetBytes()];

  private final FreshTagFilter replayFilter = new FreshTagFilter();
  private final long nowMillis = System.currentTimeMillis();
  private final Hkdf hkdf = new Hkdf();
  private final HmacSha256 hmac = new HmacSha256();
  private final ChaCha20 chacha = new ChaCha20();
  private final Lioness lioness = new Lioness();
  private final byte[] prk = new byte[Hkdf.PRK_BYTES];
  private final byte[] keySchedule = new byte[KEY_SCHEDULE_BYTES];
  private final byte[] key = new byte[Lioness.KEY_BYTES];
  private final byte[] nonce = new byte[ChaCha20.NONCE_BYTES];
  private final byte[] tag = new byte[HmacSha256.TAG_BYTES];
  private final byte[] routing = new byte[GEOMETRY.routingBytes() + PacketGeometry.SLOT_BYTES];
  private final byte[] payload = new byte[PAYLOAD];

  /** One candidate construction and its key. */
  @State(Scope.Thread)
  public static class Candidate {
    @Param({"hmac-sha256", "sha256-prefix", "blake2b-keyed", "blake3-keyed", "poly1305-pair"})
    public String hash;

    KeyedHash keyedHash;
    LionessConstruction lioness;
    byte[] key;
    final byte[] block = new byte[PAYLOAD];
    final byte[] digest = new byte[32];

    @Setup
    public void setUp() {
      keyedHash =
          Hashes.all().stream()
              .map(Supplier::get)
              .filter(h -> h.name().equals(hash))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("no candidate " + hash));
      lioness = new LionessConstruction(keyedHash);
      key = new byte[lioness.keyBytes()];
      SecureRandom random = new SecureRandom();
      random.nextBytes(key);
      random.nextBytes(block);
    }
  }

  @Setup
  public void setUp() throws GeneralSecurityException {
    openSsl = X25519.named("openssl");
    bouncyCastle = X25519.named("bouncycastle");
    random.nextBytes(scalar);
    byte[] peerScalar = new byte[X25519.KEY_BYTES];
    random.nextBytes(peerScalar);
    peerPublic = openSsl.publicKey(peerScalar);

    KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
    jdkOwn = generator.generateKeyPair();
    jdkPeer = generator.generateKeyPair();
    jdkAgreement = KeyAgreement.getInstance("X25519");

    List<PathHop> path = new ArrayList<>();
    X25519PrivateKey firstKey = null;
    for (int i = 0; i < 4; i++) {
      byte[] identity = new byte[32];
      random.nextBytes(identity);
      X25519PrivateKey nodeKey = X25519PrivateKey.generate(random);
      if (i == 0) {
        firstKey = nodeKey;
      }
      path.add(new PathHop(NodeRef.ofIdentity(identity), nodeKey.publicKey(), 1, 50));
    }
    byte[] message = new byte[1024];
    random.nextBytes(message);
    template = new PacketBuilder(GEOMETRY, openSsl, random).forward(path, message).packet();
    KeyRing ring = KeyRing.of(1, firstKey);
    hop = new PacketProcessor(GEOMETRY, ring, new FreshTagFilter(), openSsl);
    hopWithoutAgreement =
        new PacketProcessor(GEOMETRY, ring, new FreshTagFilter(), new ReplayedAgreement(openSsl));

    random.nextBytes(key);
    random.nextBytes(shared);
    random.nextBytes(routing);
    random.nextBytes(payload);
    if (replayFilter.check(keySchedule, 0, nowMillis) != ReplayFilter.Verdict.FRESH) {
      throw new IllegalStateException("BUG: the replay filter refused the first tag");
    }
  }

  private static void nextKeys(byte[] key) {
    for (int i = 0; i < key.length; i += 32) {
      key[i]++;
    }
  }

  // One X25519.

  @Benchmark
  public byte[] x25519OpenSsl() {
    openSsl.agree(scalar, peerPublic, shared);
    return shared;
  }

  @Benchmark
  public byte[] x25519Jdk() throws GeneralSecurityException {
    jdkAgreement.init(jdkOwn.getPrivate());
    jdkAgreement.doPhase(jdkPeer.getPublic(), true);
    jdkAgreement.generateSecret(shared, 0);
    return shared;
  }

  @Benchmark
  public byte[] x25519BouncyCastle() {
    bouncyCastle.agree(scalar, peerPublic, shared);
    return shared;
  }

  // One hop, whole and without its agreement.

  @Benchmark
  public Object hopOpenSsl() throws PacketException {
    return processed(hop);
  }

  @Benchmark
  public Object hopSymmetric() throws PacketException {
    return processed(hopWithoutAgreement);
  }

  private ProcessResult processed(PacketProcessor processor) throws PacketException {
    System.arraycopy(template, 0, work, 0, template.length);
    ProcessResult result = processor.process(work);
    if (!(result instanceof ProcessResult.Forward)) {
      throw new IllegalStateException("BUG: expected a forward result, got " + result);
    }
    return result;
  }

  // The header's symmetric parts, on the default geometry.

  @Benchmark
  public byte[] headerKeySchedule() {
    shared[0]++;
    hkdf.extract(SALT, shared, 0, shared.length, prk);
    hkdf.expand(prk, peerPublic, keySchedule, 0, KEY_SCHEDULE_BYTES);
    return keySchedule;
  }

  @Benchmark
  public byte[] headerMac() {
    nextKeys(key);
    hmac.init(key, 0, 32)
        .update(template, 0, PacketGeometry.MAC_OFFSET)
        .update(template, PacketGeometry.ROUTING_OFFSET, GEOMETRY.routingBytes())
        .finish(tag, 0);
    return tag;
  }

  @Benchmark
  public byte[] headerStream() {
    nextKeys(key);
    chacha.xor(key, 0, nonce, 0, 0, routing, 0, routing.length);
    return routing;
  }

  /** The replay filter's check-and-insert (the real Bloom filter, a fresh tag per call). */
  @Benchmark
  public Object replayFilterCheck() {
    return replayFilter.check(keySchedule, 0, nowMillis);
  }

  // Today's Lioness on the real payload, whole and by round.

  @Benchmark
  public byte[] lionessDecrypt() {
    nextKeys(key);
    lioness.decrypt(key, 0, payload, 0, PAYLOAD);
    return payload;
  }

  @Benchmark
  public byte[] lionessStreamRound() {
    nextKeys(key);
    chacha.xor(key, 0, nonce, 0, 0, payload, Lioness.LEFT_BYTES, RIGHT);
    return payload;
  }

  @Benchmark
  public byte[] lionessHmacRound() {
    nextKeys(key);
    hmac.init(key, 0, 32).update(payload, Lioness.LEFT_BYTES, RIGHT).finish(tag, 0);
    return tag;
  }

  // The candidates: Lioness with another hash, whole and one hash round.

  @Benchmark
  public byte[] candidateDecrypt(Candidate candidate) {
    nextKeys(candidate.key);
    candidate.lioness.decrypt(candidate.key, candidate.block, 0, PAYLOAD);
    return candidate.block;
  }

  @Benchmark
  public byte[] candidateHashRound(Candidate candidate) {
    nextKeys(candidate.key);
    candidate.keyedHash.hash(
        candidate.key, 0, candidate.block, Lioness.LEFT_BYTES, RIGHT, candidate.digest);
    return candidate.digest;
  }
}
