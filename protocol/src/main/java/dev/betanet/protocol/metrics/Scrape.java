package dev.betanet.protocol.metrics;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * The samples of one metrics page, as {@link PrometheusTextParser} read them, with the sums its
 * readers need. A series that is not on the page is an error ({@link #sum}) or an empty map ({@link
 * #sumBy}), never a zero: a renamed or missing metric must show, not read as "nothing happened".
 */
public record Scrape(List<Sample> samples) {

  public Scrape {
    samples = List.copyOf(samples);
  }

  /** One sample line: series name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }

    /** The value of label {@code key}; empty when the sample has no such label. */
    public String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  /** Whether any sample of series {@code name} is on the page. */
  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /**
   * The sum of every sample of series {@code name} (a Prometheus name such as {@code
   * MetricNames.ROUTER_CANARY_WEIGHT.prometheus()}).
   *
   * @throws NoSuchElementException when the page has no sample of it
   */
  public double sum(String name) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .mapToDouble(Sample::value)
        .reduce(Double::sum)
        .orElseThrow(() -> new NoSuchElementException("no series " + name + " in the scrape"));
  }

  /**
   * The samples of series {@code name} that carry label {@code label}, summed by its value; empty
   * when there are none.
   */
  public Map<String, Double> sumBy(String name, String label) {
    Map<String, Double> sums = new TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().containsKey(label)) {
        sums.merge(s.labels().get(label), s.value(), Double::sum);
      }
    }
    return sums;
  }
}
