package dev.betanet.local.watch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition: name, labels, value per line. The watch view and the
 * bench read counters, gauges and histogram buckets summed over label values, so this is all the
 * parsing they need; lines it cannot read are skipped (both are best effort, never the judge).
 */
public record PrometheusText(List<Sample> samples) {

  public record Sample(String metric, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.find()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      try {
        samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
      } catch (NumberFormatException e) {
        // not a sample line
      }
    }
    return new PrometheusText(samples);
  }

  /** The sum of every sample of {@code metric}; NaN when there is none. */
  public double sum(String metric) {
    return samples.stream()
        .filter(s -> s.metric().equals(metric))
        .mapToDouble(Sample::value)
        .reduce(Double::sum)
        .orElse(Double.NaN);
  }

  /** The samples of {@code metric} summed by the value of their label {@code label}. */
  public Map<String, Double> sumBy(String metric, String label) {
    Map<String, Double> sums = new TreeMap<>();
    for (Sample s : samples) {
      if (s.metric().equals(metric) && s.labels().containsKey(label)) {
        sums.merge(s.labels().get(label), s.value(), Double::sum);
      }
    }
    return sums;
  }
}
