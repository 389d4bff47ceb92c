package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.OptionalLong;
import picocli.CommandLine.Command;

/**
 * Back to the last good weight now. It lowers {@code spec.canary.weight} to {@code
 * status.canary.lastGoodWeight}, which the operator applies at once (a lower weight needs no
 * evidence); it never raises the weight, so an abort cannot start a walk.
 */
@Command(
    name = "abort",
    description =
        "Go back to the last good weight now: sets spec.canary.weight to"
            + " status.canary.lastGoodWeight (never raises it).")
final class AbortCommand extends ClusterCommand {

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    JsonNode cluster = clusters.get(name);
    OptionalLong lastGood = Fields.whole(cluster, "status", "canary", "lastGoodWeight");
    if (lastGood.isEmpty()) {
      throw PluginException.failed(
          qualifiedName(clusters)
              + " has no status.canary.lastGoodWeight yet, so there is no last good weight to go"
              + " back to; use set-weight");
    }
    long target = lastGood.getAsLong();
    long before = specWeight(cluster);
    if (before <= target) {
      out.println(
          qualifiedName(clusters)
              + ": nothing to abort; spec.canary.weight is "
              + Words.weight(before)
              + ", at or below the last good weight "
              + Words.weight(target));
      return 0;
    }
    clusters.mergePatch(name, canaryPatch(canary -> canary.put("weight", target)));
    out.println(
        qualifiedName(clusters)
            + ": aborted; spec.canary.weight "
            + Words.weight(before)
            + " → "
            + Words.weight(target)
            + " (status.canary.lastGoodWeight), which the operator applies at once");
    return 0;
  }
}
