package dev.betanet.bench.jmh;

import dev.betanet.protocol.crypto.ChaCha20;
import dev.betanet.protocol.crypto.HmacSha256;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
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
 * Why the protocol uses the JDK's ChaCha20 and HMAC: each against Bouncy Castle on a payload-sized
 * buffer (1,500 bytes), re-keyed per call as the packet code does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SymmetricPrimitivesBenchmark {

  private final byte[] key = new byte[32];
  private final byte[] nonce = new byte[12];
  private final byte[] data = new byte[1500];
  private final byte[] tag = new byte[32];
  private final ChaCha20 jdkChaCha = new ChaCha20();
  private final ChaCha7539Engine bcChaCha = new ChaCha7539Engine();
  private final HmacSha256 jdkHmac = new HmacSha256();
  private final HMac bcHmac = new HMac(new SHA256Digest());

  @Setup
  public void setUp() {
    new SecureRandom().nextBytes(data);
  }

  @Benchmark
  public byte[] chacha20Jdk() {
    key[0]++;
    jdkChaCha.xor(key, nonce, data, 0, data.length);
    return data;
  }

  @Benchmark
  public byte[] chacha20BouncyCastle() {
    key[0]++;
    bcChaCha.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    bcChaCha.processBytes(data, 0, data.length, data, 0);
    return data;
  }

  @Benchmark
  public byte[] hmacSha256Jdk() {
    key[0]++;
    jdkHmac.init(key, 0, 32).update(data, 0, data.length).finish(tag, 0);
    return tag;
  }

  @Benchmark
  public byte[] hmacSha256BouncyCastle() {
    key[0]++;
    bcHmac.init(new KeyParameter(key));
    bcHmac.update(data, 0, data.length);
    bcHmac.doFinal(tag, 0);
    return tag;
  }
}
