package dev.betanet.bench.local;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The entropy bench's plot, drawn with the JDK's Java 2D (headless): the weakest layer's departure
 * entropy against the cover rate, one solid line per load, each beside a dashed line for Loopix's
 * expected entropy at the arrival rate measured in the same cell; dotted references at the canary's
 * default minimum (2 bits) and the example's adaptive target (3 bits).
 */
final class EntropyPlot {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final int LEFT = 70;
  private static final int RIGHT = 220;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };
  private static final Stroke SOLID = new BasicStroke(2.2f);
  private static final Stroke DASHED =
      new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
  private static final Stroke DOTTED =
      new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 3}, 0);

  private EntropyPlot() {}

  static void write(Path file, List<EntropyBench.Cell> cells) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

    double maxRate = cells.stream().mapToInt(EntropyBench.Cell::coverRate).max().orElse(1);
    double maxBits =
        Math.max(
            4,
            Math.ceil(
                cells.stream()
                    .mapToDouble(c -> Math.max(c.reading().weakestBits(), modelBits(c)))
                    .max()
                    .orElse(0)));
    Axes axes = new Axes(Math.max(1, maxRate), maxBits);
    axes.draw(g);
    for (double reference : new double[] {2, 3}) {
      g.setColor(Color.GRAY);
      g.setStroke(DOTTED);
      int y = axes.y(reference);
      g.drawLine(LEFT, y, WIDTH - RIGHT, y);
    }

    List<Integer> loads = cells.stream().map(EntropyBench.Cell::flows).distinct().toList();
    int legendY = TOP + 10;
    for (int i = 0; i < loads.size(); i++) {
      int flows = loads.get(i);
      Color color = PALETTE[i % PALETTE.length];
      List<EntropyBench.Cell> line = cells.stream().filter(c -> c.flows() == flows).toList();
      polyline(g, axes, line, c -> c.reading().weakestBits(), color, SOLID);
      polyline(g, axes, line, EntropyPlot::modelBits, color, DASHED);
      g.setColor(color);
      g.setStroke(SOLID);
      g.drawLine(WIDTH - RIGHT + 15, legendY, WIDTH - RIGHT + 40, legendY);
      g.drawString(flows + " flows: weakest layer", WIDTH - RIGHT + 45, legendY + 4);
      g.setStroke(DASHED);
      g.drawLine(WIDTH - RIGHT + 15, legendY + 18, WIDTH - RIGHT + 40, legendY + 18);
      g.drawString(flows + " flows: Loopix model", WIDTH - RIGHT + 45, legendY + 22);
      legendY += 44;
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("Departure entropy of the weakest layer against cover traffic", LEFT, TOP - 20);
    g.dispose();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(image, "png", file.toFile());
  }

  /**
   * Loopix's expected departure entropy for the cell's λ/μ (docs/anonymity.md): a departing packet
   * leaves a pool of 1 + K, K ~ Poisson(λ/μ), so E[H] = Σ P(K = k) · log₂(1 + k).
   */
  static double modelBits(EntropyBench.Cell cell) {
    double mean = cell.modelPool();
    double p = Math.exp(-mean);
    double bits = 0;
    int last = (int) Math.ceil(mean + 12 * Math.sqrt(mean) + 20);
    for (int k = 0; k <= last; k++) {
      bits += p * Math.log1p(k) / Math.log(2);
      p = p * mean / (k + 1);
    }
    return bits;
  }

  private static void polyline(
      Graphics2D g,
      Axes axes,
      List<EntropyBench.Cell> cells,
      ToDoubleFunction<EntropyBench.Cell> value,
      Color color,
      Stroke stroke) {
    g.setColor(color);
    g.setStroke(stroke);
    int[] xs = cells.stream().mapToInt(c -> axes.x(c.coverRate())).toArray();
    int[] ys = cells.stream().mapToInt(c -> axes.y(value.applyAsDouble(c))).toArray();
    g.drawPolyline(xs, ys, xs.length);
    for (int i = 0; i < xs.length; i++) {
      g.fillOval(xs[i] - 3, ys[i] - 3, 6, 6);
    }
  }

  /** A round tick spacing (1, 2 or 5 × 10ⁿ) giving about five ticks up to {@code max}. */
  static double tickStep(double max) {
    double raw = max / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double factor : new double[] {1, 2, 5}) {
      if (factor * magnitude >= raw) {
        return factor * magnitude;
      }
    }
    return 10 * magnitude;
  }

  /** Cover rate (packets/s per node) across, bits up. */
  private record Axes(double maxRate, double maxBits) {

    int x(double rate) {
      return LEFT + (int) Math.round(rate / maxRate * (WIDTH - LEFT - RIGHT));
    }

    int y(double bits) {
      return HEIGHT - BOTTOM - (int) Math.round(bits / maxBits * (HEIGHT - TOP - BOTTOM));
    }

    void draw(Graphics2D g) {
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1));
      g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
      g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
      for (int bits = 0; bits <= maxBits; bits++) {
        int y = y(bits);
        g.drawLine(LEFT - 4, y, LEFT, y);
        g.drawString(Integer.toString(bits), LEFT - 20, y + 4);
      }
      double step = tickStep(maxRate);
      for (double rate = 0; rate <= maxRate + 1e-9; rate += step) {
        int x = x(rate);
        g.drawLine(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 4);
        g.drawString(String.format(Locale.ROOT, "%.0f", rate), x - 8, HEIGHT - BOTTOM + 18);
      }
      g.drawString("cover packets/s per node", LEFT + 200, HEIGHT - 20);
      g.drawString("bits", 20, TOP + 10);
    }
  }
}
