package dev.betanet.bench.jmh;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One variable-base X25519 scalar multiplication: the public-key operation a mixnode does once per
 * packet. Every packet-processing figure is reported as a ratio against this bound.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class X25519Benchmark {

  private final byte[] scalar = new byte[X25519.SCALAR_SIZE];
  private final byte[] peerPublic = new byte[X25519.POINT_SIZE];
  private final byte[] shared = new byte[X25519.POINT_SIZE];

  @Setup
  public void keys() {
    var random = new SecureRandom();
    random.nextBytes(scalar);
    byte[] peerScalar = new byte[X25519.SCALAR_SIZE];
    random.nextBytes(peerScalar);
    X25519.scalarMultBase(peerScalar, 0, peerPublic, 0);
  }

  @Benchmark
  public byte[] bouncyCastleAgreement() {
    X25519.scalarMult(scalar, 0, peerPublic, 0, shared, 0);
    return shared;
  }
}
