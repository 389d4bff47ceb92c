package dev.betanet.operator;

import dev.betanet.protocol.metrics.MetricName;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape.Sample;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** One scrape of the operator's own {@code /q/metrics}, read over real HTTP. */
record MetricsPage(List<Sample> samples) {

  static MetricsPage scrape(URL metrics) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(metrics.toString())).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + metrics + ": HTTP " + response.statusCode());
      }
      return new MetricsPage(PrometheusTextParser.parse(response.body()).samples());
    } catch (IOException | PrometheusTextParser.FormatException e) {
      throw new AssertionError("scrape of " + metrics + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The series' value; fails when it is missing (a missing metric never reads as 0). */
  double value(String name, String... labels) {
    return find(name, labels)
        .orElseThrow(
            () -> new AssertionError("no series " + name + " " + String.join(",", labels)));
  }

  double value(MetricName name, String... labels) {
    return value(name.prometheus(), labels);
  }

  boolean has(MetricName name, String... labels) {
    return find(name.prometheus(), labels).isPresent();
  }

  OptionalDouble find(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(
            s -> wanted.entrySet().stream().allMatch(e -> e.getValue().equals(s.label(e.getKey()))))
        .mapToDouble(Sample::value)
        .reduce(Double::sum);
  }
}
