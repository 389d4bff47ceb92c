package dev.betanet.local.watch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The anonymity lines of {@code make watch}: per mix layer the departure entropy, mean pool, cover
 * share and nodes read, the weakest layer against the canary's minimum, and the cover rate in
 * force, as the operator reports them in {@code status.anonymity} (docs/operations.md,
 * "Anonymity").
 */
final class AnonymityView {

  private AnonymityView() {}

  /**
   * @param status the MixnetCluster's {@code status}
   * @param minEntropyBits {@code spec.canary.analysis.minEntropyBits}; missing when the spec leaves
   *     it to the default
   */
  static String render(JsonNode status, JsonNode minEntropyBits) {
    JsonNode anonymity = status.path("anonymity");
    if (anonymity.isMissingNode() || anonymity.isNull()) {
      return "anonymity (no status.anonymity yet: the operator has not measured the mixnodes)\n";
    }
    StringBuilder out = new StringBuilder();
    JsonNode cover = anonymity.path("cover");
    out.append(
        "anonymity weakest %s   minimum %s   AnonymityHealthy %s   cover %s %s/s (%s)%n"
            .formatted(
                weakest(anonymity),
                minEntropyBits.isNumber()
                    ? String.format(Locale.ROOT, "%.2f bits", minEntropyBits.asDouble())
                    : "default",
                condition(status, "AnonymityHealthy"),
                text(cover.path("mode")),
                text(cover.path("ratePerSecond")),
                text(cover.path("reason"))));
    out.append(
        "  %-6s %12s %10s %8s %8s%n".formatted("layer", "entropy", "pool", "cover", "nodes"));
    for (JsonNode layer : anonymity.path("layers")) {
      out.append(
          "  %-6s %12s %10s %8s %8s%n"
              .formatted(
                  layer.path("layer").asText(),
                  number(layer.path("entropyBits"), "%.2f bits"),
                  number(layer.path("poolMeanPackets"), "%.1f"),
                  percent(layer.path("coverShare")),
                  layer.path("nodesRead").asText() + "/" + layer.path("nodesReady").asText()));
    }
    return out.toString();
  }

  private static String weakest(JsonNode anonymity) {
    JsonNode bits = anonymity.path("weakestEntropyBits");
    if (!bits.isNumber()) {
      return "unknown (a layer not measured)";
    }
    return String.format(
        Locale.ROOT,
        "layer %s at %.2f bits",
        anonymity.path("weakestLayer").asText(),
        bits.asDouble());
  }

  private static String condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "-";
  }

  private static String number(JsonNode value, String format) {
    return value.isNumber() ? String.format(Locale.ROOT, format, value.asDouble()) : "-";
  }

  private static String percent(JsonNode share) {
    return share.isNumber() ? String.format(Locale.ROOT, "%.0f%%", 100 * share.asDouble()) : "-";
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? "-" : node.asText();
  }
}
