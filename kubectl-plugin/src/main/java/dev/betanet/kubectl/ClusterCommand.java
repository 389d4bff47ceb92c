package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command about one named MixnetCluster: connects, runs, closes the client. */
abstract class ClusterCommand implements Callable<Integer> {

  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the MixnetCluster.")
  String name;

  @Spec CommandSpec spec;

  /** Checks the arguments before any connection is made (a bad argument needs no cluster). */
  void validate() {}

  abstract int run(MixnetClusters clusters, PrintWriter out);

  @Override
  public Integer call() {
    validate();
    try (MixnetClusters clusters = MixnetClusters.connect(connection)) {
      PrintWriter out = spec.commandLine().getOut();
      int exit = run(clusters, out);
      out.flush();
      return exit;
    }
  }

  String qualifiedName(MixnetClusters clusters) {
    return "MixnetCluster " + clusters.namespace() + "/" + name;
  }

  /** A merge patch {@code {"spec":{"canary":{...}}}}, the fields filled in by {@code canary}. */
  static ObjectNode canaryPatch(Consumer<ObjectNode> canary) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    canary.accept(patch.putObject("spec").putObject("canary"));
    return patch;
  }

  static long specWeight(JsonNode cluster) {
    return Fields.whole(cluster, "spec", "canary", "weight").orElse(0);
  }
}
