package dev.betanet.bench.mixnode;

import dev.betanet.protocol.crypto.X25519;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Builds the warm-up chunks and then the saturation packets in order on a background thread, each
 * just before it is needed: packets expire two minutes after they are made (the replay window), and
 * building 200,000 packets takes longer than that on a busy machine. Only unmeasured phases
 * (warm-up) run while it builds. When warm-up ends early, the chunks it no longer needs are
 * skipped.
 */
final class PacketSupply {

  private final List<CompletableFuture<byte[][]>> warmup = new ArrayList<>();
  private final CompletableFuture<byte[][]> saturation = new CompletableFuture<>();
  private volatile boolean warmupDone;

  /** Builds the first warm-up chunk now, the rest in the background. */
  PacketSupply(BenchNetwork network, String label, int warmupChunks, int chunk, int saturate)
      throws Exception {
    for (int i = 0; i < warmupChunks; i++) {
      warmup.add(new CompletableFuture<>());
    }
    warmup.getFirst().complete(build(network, label, chunk));
    Thread.ofPlatform()
        .daemon()
        .name("build")
        .start(
            () -> {
              try {
                for (int i = 1; i < warmupChunks; i++) {
                  warmup.get(i).complete(warmupDone ? new byte[0][] : build(network, label, chunk));
                }
                saturation.complete(build(network, label, saturate));
              } catch (Throwable e) {
                warmup.forEach(f -> f.completeExceptionally(e));
                saturation.completeExceptionally(e);
              }
            });
  }

  int warmupChunks() {
    return warmup.size();
  }

  byte[][] warmupChunk(int i) throws InterruptedException, ExecutionException {
    return warmup.get(i).get();
  }

  /** Warm-up is over: skip the chunks not built yet. */
  void warmupDone() {
    warmupDone = true;
  }

  byte[][] saturation() throws InterruptedException, ExecutionException {
    return saturation.get();
  }

  static byte[][] build(BenchNetwork network, String label, int count) throws Exception {
    long start = System.nanoTime();
    byte[][] packets = network.build(count, X25519.bestAvailable());
    System.out.printf(
        Locale.ROOT,
        "%s: built %,d packets in %.1f s%n",
        label,
        count,
        (System.nanoTime() - start) / 1e9);
    return packets;
  }
}
