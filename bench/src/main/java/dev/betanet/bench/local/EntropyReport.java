package dev.betanet.bench.local;

import dev.betanet.bench.common.MarkedSection;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markdown of one {@code make bench-entropy}: how it ran, then one row per cell with each
 * layer's departure entropy and mean pool beside Loopix's model pool λ/μ.
 */
final class EntropyReport {

  static final MarkedSection SECTION = MarkedSection.of("make bench-entropy");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s)");

  private EntropyReport() {}

  static String setup(
      GenericKubernetesResource cluster,
      Instant began,
      String loadAverage,
      String commandLine,
      int settle) {
    Map<?, ?> mixnodes = (Map<?, ?>) spec(cluster).get("mixnodes");
    Map<?, ?> routers = (Map<?, ?>) spec(cluster).get("routers");
    return String.format(
        Locale.ROOT,
        """
        Measured %s on %d cores (load average %s at the start) by `make bench-entropy%s`: the \
        example cluster (%s layers × %s mixnodes, %s router, per-hop mean delay %s) on the local \
        system at canary weight 100. For each load and each fixed cover rate (packets/s sent by \
        every mixnode and router), the cell's traffic runs %d s, longer than the mixnodes' 60 s \
        entropy window, and the row is the operator's next `status.anonymity`; "sent" is the \
        cover rate the nodes achieved. λ is the packets per second that entered each \
        mixnode's pool (forwarded, less the node's own cover, which it never holds), and λ/μ \
        Loopix's mean pool for it at mean delay 1/μ, to compare with the measured pool.""",
        began.truncatedTo(ChronoUnit.MINUTES),
        Runtime.getRuntime().availableProcessors(),
        loadAverage,
        commandLine,
        mixnodes.get("layers"),
        mixnodes.get("nodesPerLayer"),
        routers.get("replicas"),
        meanDelay(cluster),
        settle);
  }

  static String markdown(String setup, List<EntropyBench.Cell> cells, String plot) {
    StringBuilder out = new StringBuilder(setup).append("\n\n");
    int layers = cells.getFirst().reading().layers().size();
    out.append("| flows | cover /s per node, set (sent) | requests/s | λ per mixnode | λ/μ |");
    for (int l = 0; l < layers; l++) {
      out.append(" layer ").append(l).append(" bits (pool) |");
    }
    out.append(" weakest bits | cover share |\n|");
    out.append("---:|".repeat(5 + layers + 2)).append('\n');
    for (EntropyBench.Cell cell : cells) {
      AnonymityReading reading = cell.reading();
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %d (%.1f) | %.1f | %.1f | %.2f |",
              cell.flows(),
              cell.coverRate(),
              cell.coverSentPerNode(),
              cell.requestsPerSecond(),
              cell.arrivalsPerNode(),
              cell.modelPool()));
      for (AnonymityReading.Layer layer : reading.layers()) {
        out.append(
            String.format(
                Locale.ROOT, " %.2f (%.2f) |", layer.entropyBits(), layer.poolMeanPackets()));
      }
      out.append(
          String.format(Locale.ROOT, " **%.2f** | %s |\n", reading.weakestBits(), share(reading)));
    }
    if (!plot.equals("-")) {
      String image = Path.of(plot).getFileName().toString();
      out.append("\n![departure entropy per layer against cover rate](")
          .append(image)
          .append(")\n");
    }
    return out.toString();
  }

  /** The cover share, averaged over the layers that have one; "–" before two readings. */
  private static String share(AnonymityReading reading) {
    var shares =
        reading.layers().stream()
            .filter(l -> l.coverShare() != null)
            .mapToDouble(AnonymityReading.Layer::coverShare)
            .summaryStatistics();
    return shares.getCount() == 0
        ? "–"
        : String.format(Locale.ROOT, "%.0f %%", 100 * shares.getAverage());
  }

  /** {@code spec.mixnodes.meanDelay} as written, e.g. {@code 50ms}. */
  static String meanDelay(GenericKubernetesResource cluster) {
    if (spec(cluster).get("mixnodes") instanceof Map<?, ?> mixnodes
        && mixnodes.get("meanDelay") instanceof String delay) {
      return delay;
    }
    throw new IllegalStateException("the cluster has no spec.mixnodes.meanDelay");
  }

  private static Map<?, ?> spec(GenericKubernetesResource cluster) {
    if (cluster.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
      return spec;
    }
    throw new IllegalStateException("the cluster has no spec");
  }

  /** Seconds of a delay written as {@code 50ms} or {@code 2s}. */
  static double seconds(String delay) {
    Matcher m = DURATION.matcher(delay);
    if (!m.matches()) {
      throw new IllegalArgumentException("a mean delay the bench cannot read: " + delay);
    }
    long value = Long.parseLong(m.group(1));
    return m.group(2).equals("ms") ? value / 1000.0 : value;
  }
}
