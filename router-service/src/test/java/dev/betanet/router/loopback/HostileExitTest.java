package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.RouterMetrics;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import dev.betanet.router.wire.HttpMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An entry router against an exit that attacks it (docs/anonymity.md): real mixnode processes and a
 * real entry, and an exit played by {@link HostileExit}, which sees what a real exit sees and
 * answers as an attacker chooses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileExitTest {

  private TestCluster cluster;
  private HostileExit exit;

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(2, 1, 1);
    cluster.fallbackPolicy = Topology.FallbackPolicy.FALLBACK;
    cluster.startWithoutExit();
    exit = new HostileExit(cluster);
    warmLinks();
  }

  /**
   * Opens every link a request and its replies cross before the attacks start, as they are in a
   * running cluster. A cold path costs a fresh TLS link per hop in series, seconds each on a loaded
   * machine (docs/protocol.md, Links: first link of a fresh JVM); the first request of a cold
   * cluster can outlast the entry's retransmission budget, and an exit's asks then arrive after the
   * entry has forgotten the request's SURBs (counted as {@code unknown_surb}, not as asks).
   */
  private void warmLinks() {
    exit.behaviour = HostileExit.ANSWER;
    Eventually.await(
        "a request answered through the mixnet (forward and reply links open)",
        Duration.ofSeconds(90),
        () -> {
          try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
            return flow.get("http://echo.fog/warm").status() == 200;
          } catch (IOException e) {
            return false;
          }
        });
    exit.behaviour = HostileExit.SILENT;
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

  private double entryCounter(String series) {
    String scrape = cluster.entryMetrics.scrape();
    assertThat(scrape).as("series %s is published", series).contains(series + " ");
    return Scrapes.value(scrape, series);
  }

  /**
   * Forced fallback: under the {@code fallback} policy an exit that stays silent used to get the
   * request again over the tunnel, whose first message names the entry router. Now the request
   * fails with the mixnet's timeout, no tunnel is opened, and the withheld downgrade is counted.
   */
  @Test
  void aSilentExitGetsATimeoutNotATunnelThatNamesTheEntry() throws Exception {
    exit.behaviour = HostileExit.SILENT;
    String withheld = MetricNames.ROUTER_DOWNGRADES_WITHHELD.prometheus() + "{reason=\"timeout\",}";
    String downgrades = MetricNames.ROUTER_DOWNGRADES.prometheus() + "{reason=\"unavailable\",}";
    double withheldBefore = entryCounter(withheld);
    double downgradesBefore = entryCounter(downgrades);
    double timeoutsBefore = Scrapes.value(cluster.entryMetrics.scrape(), timeouts());
    int requestPacketsBefore = exit.requestPackets.get();

    ProxyFlow.Response response;
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      response = flow.get("http://echo.fog/silent");
    }

    assertThat(exit.requestPackets.get())
        .as("the exit saw the request arrive through the mixnet")
        .isGreaterThan(requestPacketsBefore);
    assertThat(response.status()).as("%s", response.headers()).isEqualTo(504);
    assertThat(response.transport()).isEqualTo("mixnet");
    assertThat(response.header(HttpMessages.ERROR_HEADER)).contains("not downgraded");
    assertThat(exit.tunnelConnections.get()).as("tunnel connections to the exit").isZero();
    assertThat(entryCounter(withheld)).isEqualTo(withheldBefore + 1);
    assertThat(entryCounter(downgrades)).isEqualTo(downgradesBefore);
    assertThat(Scrapes.value(cluster.entryMetrics.scrape(), timeouts()))
        .isEqualTo(timeoutsBefore + 1);
  }

  /**
   * Replies the entry dropped because their request had ended: its SURBs forgotten ({@code
   * unknown_surb}) or, in the moment it ends, still registered ({@code request_finished}).
   */
  private double lateReplies() {
    String refused = MetricNames.ROUTER_PACKETS_REFUSED.prometheus();
    return entryCounter(refused + "{reason=\"" + RouterMetrics.UNKNOWN_SURB + "\",}")
        + entryCounter(refused + "{reason=\"" + RouterMetrics.REQUEST_FINISHED + "\",}");
  }

  private static String timeouts() {
    return Scrapes.requests("mixnet", "timeout");
  }

  /**
   * Bursts on demand: an exit that spends SURB after SURB on {@code MORE_SURBS} used to get up to a
   * whole response's worth of SURBs per ask, as often as it liked. Now an ask gets only what the
   * response still misses, and at most two asks per request are heard; the rest are counted.
   */
  @Test
  void anExitAskingForSurbsAgainAndAgainGetsNoMoreThanOneResponseNeeds() throws Exception {
    int asks = 6;
    exit.behaviour =
        (hostile, requestId) -> {
          if (hostile.moreSurbsSent.get() < asks) {
            hostile.askForMoreSurbs(requestId, 60_000);
          }
        };
    exit.moreSurbsSent.set(0);
    String surbsMade = MetricNames.ROUTER_SURBS.prometheus();
    String repeated = MetricNames.ROUTER_SURBS_REFUSED.prometheus() + "{reason=\"repeated\",}";
    String notMissing = MetricNames.ROUTER_SURBS_REFUSED.prometheus() + "{reason=\"not_missing\",}";
    double madeBefore = entryCounter(surbsMade);
    double repeatedBefore = entryCounter(repeated);
    double notMissingBefore = entryCounter(notMissing);
    double lateBefore = lateReplies();
    double roundsBefore = entryCounter(MetricNames.ROUTER_RETRANSMISSIONS.prometheus());
    var known = exit.requestIds();

    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      // The exit never answers: the request ends when the entry gives up.
      assertThat(flow.get("http://echo.fog/greedy").status()).isEqualTo(504);
    }
    Eventually.await(
        "the exit's asks", Duration.ofSeconds(60), () -> exit.moreSurbsSent.get() >= asks);
    long requestId =
        exit.requestIds().stream().filter(id -> !known.contains(id)).findFirst().orElseThrow();

    // The most response fragments a response within the size limit can take.
    var settings = cluster.settings("x", 0, 0, java.util.Map.of());
    int responseData =
        new Fragments(
                new Envelope(new PacketGeometry(2048, RouterState.MAX_HOPS))
                    .responseFragmentBytes())
            .dataBytesPerFragment();
    int maxPerRequest = settings.maxMessageBytes() / responseData + 2;
    // The exit has sent its asks; the last may still be crossing the mixnet to the entry. An ask
    // that arrives after the entry gave up is dropped as a late reply (on a loaded machine the
    // exit's asks can trail the request's end: they are sent as its packets arrive, and the
    // request's SURBs are forgotten when it ends); every one past the second is refused either way.
    Eventually.await(
        "the entry's refusals of the asks past the second",
        Duration.ofSeconds(30),
        () ->
            (entryCounter(repeated) - repeatedBefore) / maxPerRequest + (lateReplies() - lateBefore)
                >= asks - 2);
    double asksLate = lateReplies() - lateBefore;
    double refusedPastTheSecond = Math.max(0, asks - asksLate - 2) * maxPerRequest;
    double rounds = entryCounter(MetricNames.ROUTER_RETRANSMISSIONS.prometheus()) - roundsBefore;
    // Each round of the entry's own (the first, and each retransmission) sends at most the largest
    // bucket; everything else came from the exit's asks.
    double ownRounds = (1 + rounds) * Topology.Mixing.DEFAULT_SURB_BUCKETS.getLast();
    double made = entryCounter(surbsMade) - madeBefore;
    assertThat(made).as("SURBs the entry made").isLessThanOrEqualTo(maxPerRequest + ownRounds);
    assertThat(exit.surbsReceived(requestId))
        .as("SURBs the exit received")
        .isLessThanOrEqualTo((int) (maxPerRequest + ownRounds));
    assertThat(entryCounter(repeated) - repeatedBefore)
        .as("SURBs refused to asks past the second")
        .isEqualTo(refusedPastTheSecond);
    if (asks - asksLate >= 2) {
      assertThat(entryCounter(notMissing) - notMissingBefore).isPositive();
    }
  }
}
