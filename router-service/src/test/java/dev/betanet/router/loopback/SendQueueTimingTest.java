package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.router.state.RouterSettings;
import dev.betanet.router.wire.HttpMessages;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What a link observer in front of the entry's first-layer mixnode sees ({@link TlsRecordTap}: TLS
 * record sizes and times): real mixnode processes, a real entry paced at λ = {@value #RATE}
 * packets/s, and an exit played by the test ({@link HostileExit}) that asks for bursts. The entry's
 * departures must look like one Poisson stream of rate λ whatever it carries (docs/anonymity.md,
 * "Cover that does not cover").
 *
 * <p>The statistics, for n inter-departure gaps of a Poisson stream of rate λ: the gaps are
 * exponential of mean 1/λ, so the observed rate (n over the time the gaps span) estimates λ with a
 * relative standard error of 1/√n. The bounds are one-sided and generous, because a loaded machine
 * only delays slots and bunches what the observer reads, it cannot make slots come faster: the
 * observed rate at most λ (1 + 5/√n), and fewer than 4λ departures within any one second (a Poisson
 * count of mean 5 reaches 20 with probability about 3e-7). A burst, a grant's hundred packets built
 * and sent within a second or two, breaks both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class SendQueueTimingTest {

  /**
   * Low, so that even on a loaded machine, where building a grant's SURBs takes seconds, the
   * unpaced entry would emit them faster than this.
   */
  private static final long RATE = 5;

  private static final int GAPS = 80;

  private TestCluster cluster;
  private HostileExit exit;
  private TlsRecordTap tap;

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(2, 1, 1);
    cluster.sendRatePerSecond = RATE;
    // Room for the largest grant an exit can get (about 110 packets) and little more, so the
    // queue-full test below needs only a modest request.
    cluster.entryLimits = RouterSettings.Limits.DEFAULTS.withSendQueuePackets(160);
    tap = cluster.tap(0, 0); // every packet the entry emits crosses layer 0's only node
    cluster.startWithoutExit();
    exit = new HostileExit(cluster);
  }

  @AfterAll
  void stop() throws Exception {
    if (exit != null) {
      exit.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Bursts on demand (issue 22.2): the exit spends each SURB it holds on {@code MORE_SURBS} and is
   * granted a response's worth (about 110 packets of SURBs). Before the send queue those left as
   * fast as they were built; now they wait for slots: the observer sees the entry's usual rate.
   */
  @Test
  void anExitAskingForSurbsCannotMakeTheEntryEmitFasterThanItsRate() throws Exception {
    exit.behaviour =
        (hostile, requestId) -> {
          if (hostile.moreSurbsSent.get() < 4) {
            hostile.askForMoreSurbs(requestId, 60_000);
          }
        };
    exit.moreSurbsSent.set(0);
    awaitIdle();
    double realBefore = slots("real");
    int from = tap.frames();

    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      CompletableFuture.runAsync(() -> ignoreFailure(() -> flow.get("http://echo.fog/burst")));
      Eventually.await(
          "the exit's ask and 100 departures after it",
          Duration.ofSeconds(120),
          () -> exit.moreSurbsSent.get() >= 1 && tap.frames() - from >= 100);
    }

    List<Long> arrivals = tap.arrivalsSince(from);
    assertPoissonAtMostRate(arrivals, "with an exit asking for bursts");
    assertThat(slots("real") - realBefore)
        .as("real packets among them (the granted SURBs took slots)")
        .isGreaterThanOrEqualTo(50);
  }

  /**
   * The stream is the same with and without a request in it: an idle entry fills every slot with
   * cover; a busy one puts its request's packets in the slots, and the observer sees the same rate.
   */
  @Test
  void theEntryEmitsTheSameStreamIdleAndCarryingRequests() throws Exception {
    exit.behaviour = HostileExit.SILENT;
    awaitIdle();

    double realIdle = slots("real");
    int idleFrom = tap.frames();
    Eventually.await(
        GAPS + " idle departures", Duration.ofSeconds(120), () -> tap.frames() - idleFrom > GAPS);
    List<Long> idle = tap.arrivalsSince(idleFrom);
    assertThat(slots("real") - realIdle).as("real packets while idle").isZero();
    assertPoissonAtMostRate(idle, "idle");
    double idleRate = rate(idle);
    assertThat(idleRate).as("idle departures per second (cover fills the slots)").isGreaterThan(0);

    // Four 8 kB POSTs: 10 fragments and 8 SURB packets each, all at once.
    var http =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cluster.entry.proxyPort())))
            .build();
    double realBefore = slots("real");
    int busyFrom = tap.frames();
    List<CompletableFuture<HttpResponse<Void>>> posts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      posts.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://echo.fog/post-" + i))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[8000]))
                  .build(),
              HttpResponse.BodyHandlers.discarding()));
    }
    Eventually.await(
        "60 real departures",
        Duration.ofSeconds(120),
        () -> slots("real") - realBefore >= 60 && tap.frames() - busyFrom > GAPS);
    List<Long> busy = tap.arrivalsSince(busyFrom);
    posts.forEach(p -> p.cancel(true));

    assertPoissonAtMostRate(busy, "carrying four requests");
    // And no faster than the idle stream: the requests took slots cover would have taken.
    double n = busy.size() - 1;
    assertThat(rate(busy))
        .as("busy vs idle departures per second")
        .isLessThanOrEqualTo(idleRate * (1 + 6 / Math.sqrt(n)) + 1);
  }

  /**
   * A request the send queue cannot take fails at once with a clear error, before anything leaves
   * (so the exit never sees it), and the refusal is counted; it does not wait for a timeout.
   */
  @Test
  void aRequestTheQueueCannotTakeFailsAtOnceAndIsCounted() throws Exception {
    exit.behaviour = HostileExit.SILENT;
    awaitIdle();
    String refused = MetricNames.ROUTER_SEND_QUEUE_REFUSED.prometheus() + "{reason=\"full\",}";
    double refusedBefore = Scrapes.required(cluster.entryMetrics.scrape(), refused);
    int requestPacketsBefore = exit.requestPackets.get();

    // 200 kB: about 250 request packets, over the queue's 160.
    var http =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cluster.entry.proxyPort())))
            .build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://echo.fog/too-many-packets"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000]))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue(HttpMessages.REASON_HEADER))
        .hasValue("send_queue_full");
    assertThat(response.headers().firstValue(HttpMessages.ERROR_HEADER).orElseThrow())
        .contains("send queue");
    assertThat(Scrapes.required(cluster.entryMetrics.scrape(), refused) - refusedBefore)
        .as("packets refused")
        .isGreaterThanOrEqualTo(160);
    assertThat(exit.requestPackets.get()).isEqualTo(requestPacketsBefore);
    assertThat(Scrapes.value(cluster.entryMetrics.scrape(), Scrapes.requests("mixnet", "overload")))
        .isPositive();
  }

  /** Waits until another test's request is over and its packets have left. */
  private void awaitIdle() {
    Eventually.await(
        "the entry idle",
        Duration.ofSeconds(120),
        () ->
            cluster.entry.status().getInteger("inFlightRequests") == 0
                && cluster.entry.status().getInteger("sendQueuePackets") == 0);
  }

  /** The Poisson bounds of the class comment, on the arrivals of one observation window. */
  private static void assertPoissonAtMostRate(List<Long> arrivals, String window) {
    assertThat(arrivals.size()).as("departures observed %s", window).isGreaterThan(GAPS);
    int n = arrivals.size() - 1;
    double observed = rate(arrivals);
    assertThat(observed)
        .as("departures per second %s (λ = %d, %d gaps)", window, RATE, n)
        .isLessThanOrEqualTo(RATE * (1 + 5 / Math.sqrt(n)));
    // Locally: no second holds a burst. A Poisson count of mean λ = 5 reaches 4λ = 20 with
    // probability about 3e-7; the observer's own scheduling delays (the machine may be loaded)
    // bunch a few departures together, not three seconds' worth.
    int most = 0;
    int start = 0;
    for (int end = 0; end < arrivals.size(); end++) {
      while (arrivals.get(end) - arrivals.get(start) >= TimeUnit.SECONDS.toNanos(1)) {
        start++;
      }
      most = Math.max(most, end - start + 1);
    }
    assertThat(most).as("most departures within one second %s", window).isLessThan(4 * (int) RATE);
  }

  /** Departures per second over a window: gaps over the time they span. */
  private static double rate(List<Long> arrivals) {
    double seconds = (arrivals.getLast() - arrivals.getFirst()) / 1e9;
    return (arrivals.size() - 1) / seconds;
  }

  private double slots(String kind) {
    return Scrapes.required(
        cluster.entryMetrics.scrape(),
        MetricNames.ROUTER_SEND_SLOTS.prometheus() + "{kind=\"" + kind + "\",}");
  }

  interface Call {
    void run() throws Exception;
  }

  /** Runs a request whose outcome this test does not judge (the exit never answers). */
  private static void ignoreFailure(Call call) {
    try {
      call.run();
    } catch (Exception e) {
      // the flow was closed under it when the test had seen enough
    }
  }
}
