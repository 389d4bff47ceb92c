package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.fragment.Fragments;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.packet.PacketGeometry;
import dev.betanet.protocol.topology.Topology;
import dev.betanet.router.state.RouterState;
import dev.betanet.router.wire.Envelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Size fingerprints (docs/anonymity.md): the number of SURBs an entry sends with a request is what
 * the exit sees of it beyond the request itself. It used to be the packet count of the name's last
 * answer (an exit answering once in 37 packets could recognise that entry's next request by its 37
 * SURBs) and 8 for a name the entry had never reached (a first contact). Now it is always one of
 * the topology's published buckets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SizeFingerprintTest {

  private static final int ODD_PACKETS = 37;

  private TestCluster cluster;
  private HttpServer backend;
  private int responseData;

  @BeforeAll
  void start() throws Exception {
    cluster = new TestCluster(2, 1, 1);
    responseData =
        new Fragments(
                new Envelope(new PacketGeometry(2048, RouterState.MAX_HOPS))
                    .responseFragmentBytes())
            .dataBytesPerFragment();
    backend = cluster.backend(this::serve);
    cluster.start("http://127.0.0.1:" + backend.actualPort());
  }

  /** /odd answers in exactly {@link #ODD_PACKETS} response packets; anything else in one. */
  private void serve(HttpServerRequest request) {
    // Half a fragment is far more than the status line and headers take.
    int size =
        request.path().equals("/odd") ? (ODD_PACKETS - 1) * responseData + responseData / 2 : 10;
    request.body().onSuccess(b -> request.response().end(Buffer.buffer(new byte[size])));
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private double counter(String series) {
    String scrape = cluster.entryMetrics.scrape();
    assertThat(scrape).as("series %s is published", series).contains(series + " ");
    return Scrapes.value(scrape, series);
  }

  /**
   * SURBs the entry made for one GET (one request packet), once at least {@code minimum} were made
   * or 10 s passed, and the rounds it took beyond one.
   */
  private record Sent(double surbs, double extraRounds) {}

  private Sent get(String url, int expectedBytes, int minimum) throws Exception {
    double surbs = counter(MetricNames.ROUTER_SURBS.prometheus());
    double rounds = counter(MetricNames.ROUTER_RETRANSMISSIONS.prometheus());
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get(url);
      assertThat(response.status()).as("%s", response.headers()).isEqualTo(200);
      assertThat(response.transport()).isEqualTo("mixnet");
      assertThat(response.body()).hasSize(expectedBytes);
    }
    // The response can come back through the request's own SURB while the entry is still building
    // the batch it sends after it: wait for the batch (or a deadline) before counting.
    Eventually.await(
        "the SURB batch built",
        Duration.ofSeconds(10),
        () -> counter(MetricNames.ROUTER_SURBS.prometheus()) - surbs >= minimum);
    return new Sent(
        counter(MetricNames.ROUTER_SURBS.prometheus()) - surbs,
        counter(MetricNames.ROUTER_RETRANSMISSIONS.prometheus()) - rounds);
  }

  /**
   * A one-packet request's SURBs: its own (which carries the first response packet) plus the
   * response SURBs, so a bucket in all. A retransmission round adds up to a bucket more.
   */
  private static void assertBucket(Sent sent, int bucket) {
    assertThat(Topology.Mixing.DEFAULT_SURB_BUCKETS).contains(bucket);
    assertThat(sent.surbs())
        .as("SURBs sent (with %s extra rounds)", sent.extraRounds())
        .isBetween((double) bucket, bucket + sent.extraRounds() * bucket);
  }

  @Test
  void firstContactsAndRequestsAfterAnOddAnswerSendAPublishedBucket() throws Exception {
    // A name this entry never reached: the bucket that holds initial-surbs (8), i.e. 16, like any
    // request to a name whose answers take 5 to 16 packets.
    assertBucket(get("http://echo.fog/first", 10, 16), 16);

    // The exit answers once in 37 packets (more SURBs are asked for and sent: that is allowed)...
    int oddBytes = (ODD_PACKETS - 1) * responseData + responseData / 2;
    get("http://echo.fog/odd", oddBytes, 0);
    // ... and the next request to that name sends the bucket above 37, not 37.
    assertBucket(get("http://echo.fog/small", 10, 64), 64);
  }
}
