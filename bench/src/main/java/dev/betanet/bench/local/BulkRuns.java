package dev.betanet.bench.local;

import dev.betanet.bench.common.EchoStream;
import dev.betanet.bench.common.Socks5;
import dev.betanet.protocol.spec.Durations;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * {@code make bench}'s bulk section: SOCKS5 streams to {@code echo.fog:80}, each a chunked POST
 * echoed as it arrives, byte-exact both ways at once, over the fallback tunnel and over the mixnet
 * at each mean per-hop delay and router send rate asked for.
 */
final class BulkRuns {

  /** The echo service's TCP port, as the example cluster declares it. */
  static final int ECHO_PORT = 80;

  /**
   * One bulk run's figures.
   *
   * @param transport fallback or mixnet
   * @param meanDelay the mixnodes' mean per-hop delay as set ("" for the fallback tunnel)
   * @param sendRate the routers' send rate in force, packets/s (0 for the fallback tunnel)
   * @param streams streams at once
   * @param bytesPerSecond bytes each way per second while the writers were sending, every stream
   *     summed (0 when a stream failed)
   * @param seconds from the first byte to the slowest stream's last echoed byte
   * @param retransmissions stream segments the routers sent again during the run
   * @param outcomes how the routers counted the run's streams ended ({@code
   *     betanet_router_streams_total} by role and outcome, this run's only)
   * @param error the first stream's failure, empty when every stream was byte-exact
   */
  record Figures(
      String transport,
      String meanDelay,
      long sendRate,
      int streams,
      double bytesPerSecond,
      double seconds,
      long retransmissions,
      String outcomes,
      String error) {

    double megabytesPerSecond() {
      return bytesPerSecond / 1e6;
    }
  }

  private final BenchedCluster cluster;
  private final int socksPort;
  private final Duration sending;
  private final Consumer<String> say;

  BulkRuns(BenchedCluster cluster, int socksPort, Duration sending, Consumer<String> say) {
    this.cluster = cluster;
    this.socksPort = socksPort;
    this.sending = sending;
    this.say = say;
  }

  /** Every stream count over the fallback tunnel (canary weight 0). */
  List<Figures> fallback(List<Integer> streamCounts) throws IOException, InterruptedException {
    cluster.applyWeight(0, Duration.ofMinutes(1));
    List<Figures> runs = new ArrayList<>();
    for (int streams : streamCounts) {
      runs.add(run("fallback", "", 0, streams));
    }
    return runs;
  }

  /**
   * Every stream count over the mixnet (canary weight 100) at each delay and send rate; a null rate
   * is the example's (the CRD default). Puts the cluster's own delay and rate back afterwards.
   */
  List<Figures> mixnet(List<String> delays, List<Long> rates, List<Integer> streamCounts)
      throws IOException, InterruptedException {
    cluster.applyWeight(100, Duration.ofMinutes(1));
    // The CRD's default when the spec leaves it out.
    String ownDelay = Objects.requireNonNullElse(cluster.spec("mixnodes", "meanDelay"), "50ms");
    String ownRate = cluster.spec("routerSendRate");
    List<Figures> runs = new ArrayList<>();
    try {
      for (String delay : delays) {
        for (Long rate : rates) {
          long inForce =
              cluster.applyMixing(
                  delay,
                  Durations.parse(delay, "--bulk-delays").toMillis(),
                  rate,
                  Duration.ofMinutes(1));
          for (int streams : streamCounts) {
            runs.add(run("mixnet", delay, inForce, streams));
          }
        }
      }
    } finally {
      cluster.applyMixing(
          ownDelay,
          Durations.parse(ownDelay, "spec.mixnodes.meanDelay").toMillis(),
          ownRate == null ? null : Long.valueOf(ownRate),
          Duration.ofMinutes(1));
    }
    return runs;
  }

  private Figures run(String transport, String delay, long rate, int streams)
      throws IOException, InterruptedException {
    BenchedCluster.StreamCounts before = cluster.streamCounts();
    say.accept(
        String.format(
            Locale.ROOT,
            "  bulk, %s%s: %d stream(s), %d s of sending",
            transport,
            transport.equals("mixnet") ? " at " + delay + " per hop, " + rate + " packets/s" : "",
            streams,
            sending.toSeconds()));
    List<CompletableFuture<EchoStream.Transfer>> transfers = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      long seed = i;
      var transfer = new CompletableFuture<EchoStream.Transfer>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Socket socket = Socks5.connect(socksPort, "echo.fog", ECHO_PORT, 120_000);
                  transfer.complete(EchoStream.run(socket, "echo.fog", sending, seed));
                } catch (IOException | RuntimeException e) {
                  transfer.completeExceptionally(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  transfer.completeExceptionally(e);
                }
              });
      transfers.add(transfer);
    }
    double bytesPerSecond = 0;
    double seconds = 0;
    String error = "";
    for (var transfer : transfers) {
      try {
        EchoStream.Transfer done = transfer.get();
        bytesPerSecond += done.bytesPerSecond();
        seconds = Math.max(seconds, done.seconds());
      } catch (ExecutionException e) {
        error = error.isEmpty() ? String.valueOf(e.getCause().getMessage()) : error;
      }
    }
    int ends = 2 * streams; // an entry's and an exit's per stream
    BenchedCluster.StreamCounts after = awaitEnded(before, ends);
    String outcomes = outcomes(before.ended(), after.ended(), ends);
    long retransmissions = Math.round(after.retransmissions() - before.retransmissions());
    Figures figures =
        new Figures(
            transport,
            delay,
            rate,
            streams,
            error.isEmpty() ? bytesPerSecond : 0,
            seconds,
            retransmissions,
            outcomes,
            error);
    say.accept(
        error.isEmpty()
            ? String.format(
                Locale.ROOT,
                "    %.3f MB/s each way in all, %.3f per stream, byte-exact; %d segments sent"
                    + " again; streams ended: %s",
                figures.megabytesPerSecond(),
                figures.megabytesPerSecond() / streams,
                retransmissions,
                outcomes)
            : "    FAILED: " + error + "; streams ended: " + outcomes);
    return figures;
  }

  /**
   * The routers' counters once {@code ends} more stream ends are counted since {@code before} (they
   * count when the close handshake is over, a little after the client read its last byte), or 30 s
   * passed.
   */
  private BenchedCluster.StreamCounts awaitEnded(BenchedCluster.StreamCounts before, int ends)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    BenchedCluster.StreamCounts after = cluster.streamCounts();
    while (counted(before.ended(), after.ended()) < ends && System.nanoTime() < deadline) {
      Thread.sleep(200);
      after = cluster.streamCounts();
    }
    return after;
  }

  /** The stream ends from {@code before} to {@code after}, as "role outcome × n" phrases. */
  private static String outcomes(Map<String, Double> before, Map<String, Double> after, int ends) {
    StringBuilder out = new StringBuilder();
    after.forEach(
        (key, n) -> {
          long delta = Math.round(n - before.getOrDefault(key, 0.0));
          if (delta > 0) {
            out.append(out.isEmpty() ? "" : ", ").append(key).append(" × ").append(delta);
          }
        });
    long missing = ends - counted(before, after);
    if (missing > 0) {
      out.append(out.isEmpty() ? "" : ", ").append(missing).append(" not counted within 30 s");
    }
    return out.toString();
  }

  private static long counted(Map<String, Double> before, Map<String, Double> after) {
    return Math.round(
        after.entrySet().stream()
            .mapToDouble(e -> e.getValue() - before.getOrDefault(e.getKey(), 0.0))
            .sum());
  }
}
