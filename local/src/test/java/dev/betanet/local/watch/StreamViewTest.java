package dev.betanet.local.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import org.junit.jupiter.api.Test;

class StreamViewTest {

  /** A router's stream series as Micrometer writes them, with the given counter values. */
  private static MetricsSample scrape(
      double open, double entrySentMixnet, double exitSentFallback, double retransmits)
      throws Exception {
    String text =
        String.join(
            "\n",
            "# TYPE " + MetricNames.ROUTER_STREAMS_OPEN.prometheus() + " gauge",
            MetricNames.ROUTER_STREAMS_OPEN.prometheus() + "{role=\"entry\",} " + open,
            MetricNames.ROUTER_STREAMS_OPEN.prometheus() + "{role=\"exit\",} 1.0",
            MetricNames.ROUTER_STREAM_WINDOW_SEGMENTS.prometheus() + "{role=\"entry\",} 48.0",
            MetricNames.ROUTER_STREAM_RETRANSMISSIONS.prometheus()
                + "{role=\"entry\",} "
                + retransmits,
            bytes("entry", "sent", "mixnet", entrySentMixnet),
            bytes("entry", "received", "mixnet", 0),
            bytes("exit", "sent", "fallback", exitSentFallback),
            bytes("exit", "received", "fallback", 0),
            ended("entry", "mixnet", "closed", 7),
            ended("entry", "fallback", "closed", 2),
            ended("entry", "mixnet", "timeout", 1),
            ended("exit", "fallback", "refused_not_declared", 3),
            // Not a stream series: the requests table reads it, the stream lines must not.
            MetricNames.ROUTER_REQUESTS.prometheus() + "{outcome=\"ok\",transport=\"mixnet\",} 5.0",
            "");
    return MetricsSample.from(PrometheusTextParser.parse(text));
  }

  private static String bytes(String role, String direction, String transport, double value) {
    return MetricNames.ROUTER_STREAM_BYTES.prometheus()
        + "{direction=\"%s\",role=\"%s\",transport=\"%s\",} %s"
            .formatted(direction, role, transport, value);
  }

  private static String ended(String role, String transport, String outcome, double value) {
    return MetricNames.ROUTER_STREAMS.prometheus()
        + "{outcome=\"%s\",role=\"%s\",transport=\"%s\",} %s"
            .formatted(outcome, role, transport, value);
  }

  @Test
  void showsOpenStreamsRatesEachWayPerTransportAndRetransmissions() throws Exception {
    MetricsSample first = scrape(2, 100_000, 0, 10);
    MetricsSample last = scrape(3, 300_000, 50_000, 14);

    String view = StreamView.render(first, last, 2);

    assertThat(view.lines())
        .containsExactly(
            "streams     open   window  retransmits/s     mixnet kB/s out/in   fallback kB/s out/in"
                + "  ended (failed)",
            "  entry        3       48            2.0            100.0 / 0.0                  - / -"
                + "          10 (1)",
            "  exit         1        0              -                  - / -             25.0 / 0.0"
                + "           3 (3)");
  }

  @Test
  void sumsTheRoutersOfACluster() throws Exception {
    MetricsSample one = scrape(2, 100_000, 0, 10);
    MetricsSample both = one.plus(one);

    assertThat(StreamView.render(both, both, 1).lines().skip(1).findFirst().orElseThrow())
        .startsWith("  entry        4       96            0.0              0.0 / 0.0")
        .endsWith("20 (2)");
  }
}
