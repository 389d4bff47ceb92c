package dev.betanet.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.analysis.RequestCounts.TransportCounts;
import dev.betanet.protocol.metrics.Scrape;
import dev.betanet.protocol.metrics.Scrape.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recorded real router scrape ({@link RouterPage#RECORDING}) has every series the canary
 * analysis reads, with the labels it tells requests apart by, and {@link RequestCounts} reads from
 * it exactly what the recording's requests were. Goes red when the router stops serving a series
 * the operator needs (after the recording is made again from the router's code).
 */
class RecordedRouterScrapeTest {

  private final Scrape recorded = RouterPage.recordedScrape();

  @Test
  void hasTheRequestSeriesTheAnalysisReadsPerTransportAndOutcome() {
    List<Sample> requests = series(RequestCounts.REQUESTS);

    assertThat(requests)
        .extracting(s -> s.label("transport"))
        .contains(RequestCounts.MIXNET, RequestCounts.FALLBACK);
    assertThat(requests)
        .filteredOn(s -> s.label("transport").equals(RequestCounts.MIXNET))
        .extracting(s -> s.label("outcome"))
        .as("served, refused as the client's fault, and failed")
        .contains(RequestCounts.OK, RequestCounts.REJECTED)
        .anyMatch(o -> !o.equals(RequestCounts.OK) && !o.equals(RequestCounts.REJECTED));
  }

  @Test
  void hasTheLatencyHistogramPerTransportWithAnOpenBucket() {
    List<Sample> buckets = series(RequestCounts.LATENCY_BUCKETS);

    for (String transport : List.of(RequestCounts.MIXNET, RequestCounts.FALLBACK)) {
      assertThat(buckets)
          .filteredOn(s -> s.label("transport").equals(transport))
          .extracting(s -> s.label("le"))
          .as("buckets of %s", transport)
          .contains("+Inf")
          .hasSizeGreaterThan(10);
    }
  }

  @Test
  void readsWhatTheRecordedRequestsWere() {
    RequestCounts counts = RequestCounts.from(recorded);

    // The recording: mixnet 90 ok, 6 error, 4 timeout, 2 downgraded, 4 rejected; fallback 300
    // ok, 1 error (bench's RouterScrapeRecordingTest).
    TransportCounts mixnet = counts.transport(RequestCounts.MIXNET);
    assertThat(mixnet.ok()).isEqualTo(90);
    assertThat(mixnet.errors()).as("rejected requests are the client's fault").isEqualTo(12);
    assertThat(mixnet.buckets()).containsEntry(Double.POSITIVE_INFINITY, 102.0);
    assertThat(Window.between(null, mixnet).quantileSeconds(0.5)).isBetween(0.067, 0.0895);
    TransportCounts fallback = counts.transport(RequestCounts.FALLBACK);
    assertThat(fallback.ok()).isEqualTo(300);
    assertThat(fallback.errors()).isEqualTo(1);
  }

  private List<Sample> series(String name) {
    List<Sample> samples = recorded.samples().stream().filter(s -> s.name().equals(name)).toList();
    assertThat(samples).as("series %s in %s", name, RouterPage.RECORDING).isNotEmpty();
    return samples;
  }
}
