package dev.betanet.kubectl;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(
    name = "resume",
    description =
        "Let the canary walk on (sets spec.canary.paused=false); the current step is observed"
            + " afresh.")
final class ResumeCommand extends ClusterCommand {

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    clusters.mergePatch(name, canaryPatch(canary -> canary.put("paused", false)));
    out.println(
        qualifiedName(clusters)
            + ": resumed (spec.canary.paused=false); the current step is observed afresh");
    return 0;
  }
}
