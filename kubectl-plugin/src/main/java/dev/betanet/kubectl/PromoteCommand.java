package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(
    name = "promote",
    description =
        "Skip the remaining canary steps and their analysis: spec.canary.weight applies at once"
            + " (sets spec.canary.promote=true).")
final class PromoteCommand extends ClusterCommand {

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    JsonNode cluster =
        clusters.mergePatch(name, canaryPatch(canary -> canary.put("promote", true)));
    out.println(
        qualifiedName(clusters)
            + ": promoted (spec.canary.promote=true); the operator applies weight "
            + Words.weight(specWeight(cluster))
            + " at once, without the remaining steps or their analysis");
    return 0;
  }
}
