package dev.betanet.kubectl;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(
    name = "pause",
    description =
        "Hold the canary weight where it is (sets spec.canary.paused=true); lowering the weight"
            + " still applies at once.")
final class PauseCommand extends ClusterCommand {

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    clusters.mergePatch(name, canaryPatch(canary -> canary.put("paused", true)));
    out.println(
        qualifiedName(clusters)
            + ": paused (spec.canary.paused=true); the weight in force stays until resume");
    return 0;
  }
}
