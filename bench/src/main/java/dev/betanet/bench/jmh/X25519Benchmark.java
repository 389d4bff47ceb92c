package dev.betanet.bench.jmh;

import dev.betanet.protocol.crypto.X25519;
import java.security.SecureRandom;
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
 * One variable-base X25519 scalar multiplication through the protocol's {@link X25519} interface:
 * the public-key operation a mixnode does once per packet. Every packet-processing figure is
 * reported as a ratio against this bound, for the same implementation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class X25519Benchmark {

  @Param({"bouncycastle", "openssl"})
  public String implementation;

  private X25519 x25519;
  private final byte[] scalar = new byte[X25519.KEY_BYTES];
  private byte[] peerPublic;
  private final byte[] shared = new byte[X25519.KEY_BYTES];

  @Setup
  public void keys() {
    x25519 = X25519.named(implementation);
    var random = new SecureRandom();
    random.nextBytes(scalar);
    byte[] peerScalar = new byte[X25519.KEY_BYTES];
    random.nextBytes(peerScalar);
    peerPublic = x25519.publicKey(peerScalar);
  }

  @Benchmark
  public byte[] agreement() {
    if (!x25519.agree(scalar, peerPublic, shared)) {
      throw new IllegalStateException("BUG: low-order point in the benchmark");
    }
    return shared;
  }
}
