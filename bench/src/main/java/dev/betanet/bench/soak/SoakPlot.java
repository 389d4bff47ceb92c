package dev.betanet.bench.soak;

import dev.betanet.bench.soak.Chaos.Event;
import dev.betanet.bench.soak.ResourceSampler.Sample;
import dev.betanet.bench.soak.SoakLoad.Outcome;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The soak's plot, drawn with the JDK's own Java 2D (headless, no dependency): resident memory and
 * open file descriptors of every process, and answered requests' p50/p95 latency per transport in
 * 15-second buckets, over the soak's minutes, with the chaos events as vertical marks (router kill
 * red, operator kill orange, key rotation green, weight move purple, mixnode kills grey ticks).
 */
final class SoakPlot {

  private static final int WIDTH = 1400;
  private static final int PANEL = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 230;
  private static final int TOP = 40;
  private static final int GAP = 50;
  private static final long BUCKET_MILLIS = 15_000;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    new Color(0xbcbd22), new Color(0x17becf), new Color(0x393b79), new Color(0x637939)
  };

  /** One line: a name, a colour and its points (minutes, value); NaN breaks the line. */
  private record Series(String name, Color color, List<double[]> points) {}

  private SoakPlot() {}

  static void write(
      Path file, List<Sample> samples, List<Outcome> outcomes, List<Event> events, long endMillis)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int height = TOP + 3 * PANEL + 3 * GAP;
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, height);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    double minutes = Math.max(1e-3, endMillis / 60_000.0);
    Map<String, Color> colors = colors(samples);
    int y = TOP;
    panel(
        g,
        y,
        "resident memory (MiB)",
        minutes,
        perProcess(samples, colors, Sample::rssMiB),
        events);
    y += PANEL + GAP;
    panel(
        g, y, "open file descriptors", minutes, perProcess(samples, colors, s -> s.fds()), events);
    y += PANEL + GAP;
    panel(
        g,
        y,
        "latency of answered requests (ms), 15 s buckets",
        minutes,
        latency(outcomes),
        events);
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  private static Map<String, Color> colors(List<Sample> samples) {
    Map<String, Color> colors = new TreeMap<>();
    samples.stream().map(Sample::process).distinct().sorted().forEach(p -> colors.put(p, null));
    int i = 0;
    for (String process : colors.keySet()) {
      colors.put(process, PALETTE[i++ % PALETTE.length]);
    }
    return colors;
  }

  /** A line per process; a restart (new pid) breaks the line. */
  private static List<Series> perProcess(
      List<Sample> samples, Map<String, Color> colors, ToDoubleFunction<Sample> value) {
    Map<String, List<double[]>> points = new TreeMap<>();
    Map<String, Long> lastPid = new LinkedHashMap<>();
    for (Sample s : samples) {
      List<double[]> line = points.computeIfAbsent(s.process(), k -> new ArrayList<>());
      Long pid = lastPid.put(s.process(), s.pid());
      if (pid != null && pid != s.pid()) {
        line.add(new double[] {Double.NaN, Double.NaN});
      }
      line.add(new double[] {s.atMillis() / 60_000.0, value.applyAsDouble(s)});
    }
    List<Series> series = new ArrayList<>();
    points.forEach((name, line) -> series.add(new Series(name, colors.get(name), line)));
    return series;
  }

  private static List<Series> latency(List<Outcome> outcomes) {
    List<Series> series = new ArrayList<>();
    int i = 0;
    for (String transport : List.of("mixnet", "fallback")) {
      Map<Long, List<Long>> buckets = new TreeMap<>();
      outcomes.stream()
          .filter(o -> o.ok() && transport.equals(o.transport()))
          .forEach(
              o ->
                  buckets
                      .computeIfAbsent(o.atMillis() / BUCKET_MILLIS, k -> new ArrayList<>())
                      .add(o.latencyNanos()));
      List<double[]> p50 = new ArrayList<>();
      List<double[]> p95 = new ArrayList<>();
      long[] previous = {Long.MIN_VALUE};
      buckets.forEach(
          (bucket, latencies) -> {
            if (previous[0] != Long.MIN_VALUE && bucket > previous[0] + 1) {
              // No answer in between (a router restart): no line across the gap.
              p50.add(new double[] {Double.NaN, Double.NaN});
              p95.add(new double[] {Double.NaN, Double.NaN});
            }
            previous[0] = bucket;
            latencies.sort(null);
            double at = (bucket + 0.5) * BUCKET_MILLIS / 60_000.0;
            p50.add(new double[] {at, percentile(latencies, 0.50) / 1e6});
            p95.add(new double[] {at, percentile(latencies, 0.95) / 1e6});
          });
      Color color = i++ == 0 ? new Color(0x1f77b4) : new Color(0xff7f0e);
      series.add(new Series(transport + " p50", color, p50));
      series.add(new Series(transport + " p95", color.darker().darker(), p95));
    }
    return series;
  }

  private static double percentile(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static void panel(
      Graphics2D g,
      int top,
      String title,
      double minutes,
      List<Series> series,
      List<Event> events) {
    int width = WIDTH - LEFT - RIGHT;
    double max = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        if (!Double.isNaN(p[1])) {
          max = Math.max(max, p[1]);
        }
      }
    }
    max = niceCeiling(max);
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, top - 8);
    g.setColor(new Color(0xdddddd));
    for (int i = 0; i <= 4; i++) {
      int y = top + PANEL - i * PANEL / 4;
      g.drawLine(LEFT, y, LEFT + width, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(format(max * i / 4), 8, y + 4);
      g.setColor(new Color(0xdddddd));
    }
    int step = minutes > 30 ? 5 : minutes > 8 ? 2 : 1;
    for (int m = 0; m <= minutes; m += step) {
      int x = LEFT + (int) (m / minutes * width);
      g.setColor(Color.DARK_GRAY);
      g.drawString(m + " min", x - 12, top + PANEL + 16);
    }
    for (Event e : events) {
      int x = LEFT + (int) (e.atMillis() / 60_000.0 / minutes * width);
      Color mark = markColor(e.action());
      if (mark == null) {
        continue;
      }
      g.setColor(mark);
      if (e.action().equals(Chaos.MIXNODE_KILLED)) {
        g.drawLine(x, top, x, top + 6);
      } else {
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(x, top, x, top + PANEL);
        g.setStroke(new BasicStroke(1f));
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, top, width, PANEL);
    int legend = top + 14;
    for (Series s : series) {
      g.setColor(s.color());
      g.setStroke(new BasicStroke(1.6f));
      double[] previous = null;
      for (double[] p : s.points()) {
        if (Double.isNaN(p[1])) {
          previous = null;
          continue;
        }
        if (previous != null) {
          g.drawLine(
              xOf(previous[0], minutes, width), yOf(previous[1], max, top),
              xOf(p[0], minutes, width), yOf(p[1], max, top));
        }
        previous = p;
      }
      g.fillRect(LEFT + width + 12, legend - 9, 10, 10);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), LEFT + width + 28, legend);
      legend += 16;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static Color markColor(String action) {
    return switch (action) {
      case Chaos.ROUTER_KILLED -> new Color(0xd62728);
      case Chaos.OPERATOR_KILLED -> new Color(0xff9900);
      case Chaos.KEYS_ROTATED -> new Color(0x2ca02c);
      case Chaos.WEIGHT_SET -> new Color(0x9467bd);
      case Chaos.MIXNODE_KILLED -> new Color(0x888888);
      default -> null;
    };
  }

  private static int xOf(double minute, double minutes, int width) {
    return LEFT + (int) Math.round(minute / minutes * width);
  }

  private static int yOf(double value, double max, int top) {
    return top + PANEL - (int) Math.round(value / max * PANEL);
  }

  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= value) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String format(double value) {
    return value >= 100 || value == Math.rint(value)
        ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
