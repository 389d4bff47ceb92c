package dev.betanet.operator.analysis;

import dev.betanet.protocol.metrics.PrometheusTextParser;
import dev.betanet.protocol.metrics.Scrape;
import dev.betanet.protocol.metrics.Scrape.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A router's metrics page for the operator's tests: the recorded real router scrape ({@value
 * #RECORDING}, made and kept current by bench's {@code RouterScrapeRecordingTest} from the router's
 * own metrics class), with the values of chosen series changed. Only series that are on the
 * recorded page can be changed: a test that moves a series the router no longer serves fails here
 * instead of reading a page the router could not produce.
 */
public final class RouterPage {

  /** The recorded real scrape, a test resource. */
  public static final String RECORDING = "/metrics/router-scrape.txt";

  private final List<String> lines;
  private final Map<String, Integer> lineBySeries = new TreeMap<>();
  private final double[] values;

  private RouterPage(String text) {
    lines = text.lines().toList();
    values = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Sample sample = parseOne(line);
      lineBySeries.put(key(sample.name(), sample.labels()), i);
      values[i] = sample.value();
    }
  }

  /** The recorded page as it was recorded. */
  public static RouterPage recorded() {
    return new RouterPage(recordedText());
  }

  /** The recorded page's text. */
  public static String recordedText() {
    try (InputStream in = RouterPage.class.getResourceAsStream(RECORDING)) {
      if (in == null) {
        throw new IllegalStateException("BUG: test resource " + RECORDING + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The recorded page, parsed. */
  public static Scrape recordedScrape() {
    try {
      return PrometheusTextParser.parse(recordedText());
    } catch (PrometheusTextParser.FormatException e) {
      throw new IllegalStateException("the recorded router scrape does not parse", e);
    }
  }

  /** Every value set to zero: the same series as a router that has just started. */
  public synchronized RouterPage zeroed() {
    lineBySeries.values().forEach(i -> values[i] = 0);
    return this;
  }

  /** Sets series {@code name}{@code labels} to {@code value}. */
  public synchronized void set(String name, Map<String, String> labels, double value) {
    values[line(name, labels)] = value;
  }

  /** Adds {@code delta} to series {@code name}{@code labels}. */
  public synchronized void add(String name, Map<String, String> labels, double delta) {
    values[line(name, labels)] += delta;
  }

  /**
   * The finite histogram bounds the page has for series {@code buckets}{@code labels}, as their
   * {@code le} labels spell them, smallest first.
   */
  public synchronized List<String> bounds(String buckets, Map<String, String> labels) {
    List<String> bounds = new ArrayList<>();
    for (int i : lineBySeries.values()) {
      Sample sample = parseOne(lines.get(i));
      Map<String, String> others = new TreeMap<>(sample.labels());
      String le = others.remove("le");
      if (sample.name().equals(buckets) && others.equals(new TreeMap<>(labels))) {
        if (!"+Inf".equals(le)) {
          bounds.add(le);
        }
      }
    }
    bounds.sort(Comparator.comparingDouble(Double::parseDouble));
    return bounds;
  }

  /** The page with the current values, in the recorded order and format. */
  public synchronized String text() {
    StringBuilder page = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        page.append(line);
      } else {
        page.append(line, 0, line.lastIndexOf(' ') + 1).append(values[i]);
      }
      page.append('\n');
    }
    return page.toString();
  }

  /** The page, parsed. */
  public Scrape scrape() {
    try {
      return PrometheusTextParser.parse(text());
    } catch (PrometheusTextParser.FormatException e) {
      throw new IllegalStateException("BUG: the page no longer parses", e);
    }
  }

  private int line(String name, Map<String, String> labels) {
    Integer line = lineBySeries.get(key(name, labels));
    if (line == null) {
      throw new IllegalStateException(
          "the recorded router scrape "
              + RECORDING
              + " has no series "
              + key(name, labels)
              + ": the router no longer serves it, or the recording is stale");
    }
    return line;
  }

  private static String key(String name, Map<String, String> labels) {
    return name + new TreeMap<>(labels);
  }

  private static Sample parseOne(String line) {
    try {
      return PrometheusTextParser.parse(line).samples().getFirst();
    } catch (PrometheusTextParser.FormatException e) {
      throw new IllegalStateException("the recorded router scrape has a bad line: " + line, e);
    }
  }
}
