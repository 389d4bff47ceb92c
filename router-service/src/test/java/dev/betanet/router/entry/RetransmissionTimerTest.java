package dev.betanet.router.entry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.loopback.Eventually;
import dev.betanet.router.state.RouterSettings;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retransmission timer against a send queue slower than its rate promises: a round is judged
 * from when its packets left, never while they wait. (The loopback cluster showed why: on a loaded
 * machine the queue's slots come late, a window sized from the nominal rate fired on queued
 * packets, and the suspicion that followed blamed live nodes; docs/router.md, "Send queue".)
 */
class RetransmissionTimerTest {

  private static final long MARGIN_MILLIS = 100;
  private static final long HELD_MILLIS = 600;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aRoundIsJudgedFromItsLastDepartureNotWhileItsPacketsWait() {
    Topology topology =
        new Topology(
            Topology.FORMAT_VERSION,
            "t",
            "ns",
            1,
            Instant.now(),
            2048,
            new Topology.Mixing(0, 0).withSendRatePerSecond(50),
            List.of(),
            List.of(),
            new Topology.Canary(100, Topology.FallbackPolicy.STRICT));
    var suspects = new SuspectNodes(Duration.ofSeconds(30), System::currentTimeMillis);
    var timer = new RetransmissionTimer(vertx, () -> topology, settings(), suspects);
    var p =
        new PendingRequest(
            1, "echo.fog", List.of(new byte[1], new byte[1]), null, 4, request -> {});
    AtomicLong departedAt = new AtomicLong();
    AtomicLong judgedAt = new AtomicLong();
    synchronized (p) {
      p.rounds = 1;
      p.roundStartedAt = System.currentTimeMillis();
      p.lastProgressAt = p.roundStartedAt;
      p.roundPaths.add(List.of("router-entry", "mix-0"));
    }
    // The round's two packets wait in the send queue for six windows, then leave.
    p.queued();
    p.queued();
    timer.arm(p, () -> judgedAt.set(System.currentTimeMillis()));
    vertx.setTimer(
        HELD_MILLIS,
        t -> {
          departedAt.set(System.currentTimeMillis());
          p.departed(true);
          p.departed(true);
        });

    Eventually.await("the silent round judged", Duration.ofSeconds(20), () -> judgedAt.get() > 0);
    assertThat(departedAt.get()).as("the packets had left when the round was judged").isPositive();
    assertThat(judgedAt.get() - departedAt.get())
        .as("ms from the last departure to the judgement")
        .isGreaterThanOrEqualTo(MARGIN_MILLIS);
  }

  private static RouterSettings settings() {
    return RouterSettings.builder("router-entry", Path.of("keys.json"), Path.of("topology.json"))
        .host("127.0.0.1")
        .proxyPort(0)
        .packetPort(0)
        .tunnelPort(0)
        .requestTimeout(Duration.ofSeconds(20))
        .backendTimeout(Duration.ofSeconds(2))
        .retransmitMargin(Duration.ofMillis(MARGIN_MILLIS))
        .maxAttempts(6)
        .maxBodyBytes(1024)
        .maxInFlight(8)
        .initialSurbs(8)
        .reloadInterval(Duration.ofSeconds(1))
        .cryptoThreads(1)
        .build();
  }
}
