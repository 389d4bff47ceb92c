package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "set-weight",
    description =
        "Set the canary target spec.canary.weight (0 to 100 % of new flows on the mixnet). A"
            + " lower weight applies at once; a higher one walks the steps below it.")
final class SetWeightCommand extends ClusterCommand {

  @Parameters(index = "1", paramLabel = "WEIGHT", description = "A whole number from 0 to 100.")
  String weightArgument;

  private int weight;

  @Override
  void validate() {
    weight = parseWeight(weightArgument);
  }

  static int parseWeight(String text) {
    if (text != null && text.matches("[0-9]{1,3}")) {
      int value = Integer.parseInt(text);
      if (value <= 100) {
        return value;
      }
    }
    throw PluginException.badArgument(
        "WEIGHT must be a whole number from 0 to 100 (percent of new flows), got \"" + text + "\"");
  }

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    long before = specWeight(clusters.get(name));
    JsonNode cluster =
        clusters.mergePatch(name, canaryPatch(canary -> canary.put("weight", weight)));
    out.println(
        qualifiedName(clusters)
            + ": spec.canary.weight "
            + Words.weight(before)
            + " → "
            + Words.weight(specWeight(cluster))
            + "; "
            + (weight <= before
                ? "a lower weight applies at once"
                : "the operator walks the steps below it, judging each"));
    return 0;
  }
}
