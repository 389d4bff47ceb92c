package dev.betanet.bench.local;

import dev.betanet.bench.common.MarkedSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The markdown report of one {@code make bench}: how it was run, the runs side by side by flows and
 * transport, and our figures beside the old system's. It replaces the part of docs/benchmarks.md
 * between its two markers, so the text around it stays as written.
 */
final class BenchReport {

  static final MarkedSection SECTION = MarkedSection.of("make bench");

  /** The old system's figures: all we have of it is packets per second. */
  private static final int OLD_PYTHON_PACKETS_PER_SECOND = 1_000;

  private static final int OLD_RUST_PACKETS_PER_SECOND = 25_000;

  private BenchReport() {}

  /**
   * @param posts the large POSTs' figures, null when none were made
   */
  static String markdown(
      String setup, List<RunFigures> runs, List<BulkRuns.Figures> bulk, LargePosts.Figures posts) {
    List<RunFigures> sorted =
        runs.stream()
            .sorted(Comparator.comparingInt(RunFigures::flows).thenComparing(RunFigures::transport))
            .toList();
    StringBuilder md = new StringBuilder(setup).append("\n\n");
    md.append(
        "| flows | transport | requests/s | p50 / p95 ms | new flow to first answer p50 / p95 ms"
            + " | failed |\n|---|---|---|---|---|---|\n");
    for (RunFigures r : sorted) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %.1f | %s | %s | %s |%n",
              r.flows(),
              r.transport(),
              r.load().answeredPerSecond(),
              r.load().allAnswered().p50p95(),
              r.load().firstAnswers(r.transport()).p50p95(),
              failed(r)));
    }
    md.append(
        "\n| flows | transport | packets/s per mixnode, mean / busiest | packets per mixnode"
            + " CPU-second, all / without JIT | CPU cores: all mixnodes (JIT) / router (JIT) /"
            + " whole machine busy | RSS MiB: largest mixnode / router | packets lost in"
            + " mixnodes |\n"
            + "|---|---|---|---|---|---|---|\n");
    for (RunFigures r : sorted) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %.0f / %.0f | %s / %s | %.2f (%.2f) / %.2f (%.2f) / %.0f %% | %.0f / %.0f"
                  + " | %d |%n",
              r.flows(),
              r.transport(),
              r.mixnodePacketsPerSecondMean(),
              r.mixnodePacketsPerSecondMax(),
              count(r.mixnodePacketsPerCpuSecond()),
              count(r.mixnodePacketsPerNonJitCpuSecond()),
              r.mixnodeCores().total(),
              r.mixnodeCores().jit(),
              r.routerCores().total(),
              r.routerCores().jit(),
              100 * r.machineBusy(),
              r.mixnodeRssMiB(),
              r.routerRssMiB(),
              r.mixnodeDrops()));
    }
    String failures = failureReasons(sorted);
    if (!failures.isEmpty()) {
      md.append(
              "\nFailed requests, and answers that came over the other transport (downgrades):\n\n")
          .append(failures);
    }
    RunFigures busiest =
        runs.stream()
            .max(Comparator.comparingDouble(RunFigures::mixnodePacketsPerSecondMax))
            .orElseThrow();
    md.append(
        String.format(
            Locale.ROOT,
            """

            Beside the old system (whose only figures we have are packets per second per node):

            | system | packets/s per mixnode |
            |---|---|
            | old system, Python | %,d |
            | old system, Rust | %,d |
            | Betanet, this run: busiest mixnode (%s, %d flows) | %,.0f |
            | Betanet, this run: per mixnode CPU-second at that load | %s |
            """,
            OLD_PYTHON_PACKETS_PER_SECOND,
            OLD_RUST_PACKETS_PER_SECOND,
            busiest.transport(),
            busiest.flows(),
            busiest.mixnodePacketsPerSecondMax(),
            count(busiest.mixnodePacketsPerCpuSecond())));
    if (!bulk.isEmpty()) {
      md.append(bulk(bulk));
    }
    if (posts != null) {
      md.append("\n**Large POST** at canary weight 100, the cluster's own delay and send rate: ")
          .append(posts.line())
          .append(", each byte-exact.\n");
    }
    return md.toString();
  }

  /**
   * The bulk section: MB/s each way (both directions busy at once), in all and per stream, by
   * transport, delay, send rate and streams.
   */
  static String bulk(List<BulkRuns.Figures> bulk) {
    StringBuilder md =
        new StringBuilder(
            """

            **Bulk over SOCKS5 streams**: each stream is a chunked POST to `echo.fog:80` (the \
            echo sends the body back as it arrives), written for the set time while the echo is \
            read, then checked byte for byte; a writer stays about 2 s of its echo's rate ahead. \
            *MB/s each way* is what came back while the writers were sending, every stream summed \
            (both directions are busy at once); *time* runs to the slowest stream's last echoed \
            byte; *sent again* counts the stream segments the routers retransmitted (a timeout, \
            each halving that stream's window); *streams ended* is how the routers counted them. The send rate is \
            the routers' Poisson send queue's (every packet a router sends, data, SURB or cover, \
            takes a slot), so it bounds what the mixnet can carry.

            | transport | mean per-hop delay | router send rate, packets/s | streams | MB/s each way, all streams | per stream | time s | sent again | byte-exact | streams ended |
            |---|---|---|---|---|---|---|---|---|---|
            """);
    for (BulkRuns.Figures f : bulk) {
      boolean failed = !f.error().isEmpty();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %s | %.1f | %d | %s | %s |%n",
              f.transport(),
              f.meanDelay().isEmpty() ? "–" : f.meanDelay(),
              f.sendRate() == 0 ? "– (not paced)" : String.valueOf(f.sendRate()),
              f.streams(),
              failed ? "–" : String.format(Locale.ROOT, "%.3f", f.megabytesPerSecond()),
              failed
                  ? "–"
                  : String.format(Locale.ROOT, "%.3f", f.megabytesPerSecond() / f.streams()),
              f.seconds(),
              f.retransmissions(),
              failed ? "**no**: " + f.error() : "yes",
              f.outcomes()));
    }
    return md.toString();
  }

  /** A whole number with thousands separators, or a dash when it is unknown. */
  private static String count(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String failed(RunFigures r) {
    long failed = r.load().failed();
    long all = failed + r.load().allAnswered().count();
    return all == 0
        ? "–"
        : String.format(Locale.ROOT, "%d (%.1f %%)", failed, 100.0 * failed / all);
  }

  private static String failureReasons(List<RunFigures> runs) {
    StringBuilder out = new StringBuilder();
    for (RunFigures r : runs) {
      r.load()
          .failures()
          .forEach(
              (reason, n) ->
                  out.append(
                      String.format(
                          Locale.ROOT,
                          "- %s, %d flows: %d × %s%n",
                          r.transport(),
                          r.flows(),
                          n,
                          reason)));
      if (r.shareOnTransport() < 1 && r.load().allAnswered().count() > 0) {
        out.append(
            String.format(
                Locale.ROOT,
                "- %s, %d flows: only %.1f %% of answers came over %s%n",
                r.transport(),
                r.flows(),
                100 * r.shareOnTransport(),
                r.transport()));
      }
    }
    return out.toString();
  }

  /** Replaces this report's part of {@code file} (see {@link MarkedSection}). */
  static void writeInto(Path file, String report) throws IOException {
    SECTION.writeInto(file, report);
  }
}
