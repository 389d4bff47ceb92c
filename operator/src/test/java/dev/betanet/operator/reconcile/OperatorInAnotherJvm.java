package dev.betanet.operator.reconcile;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.keys.ClusterKeys;
import dev.betanet.operator.model.ClusterNames;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * An earlier operator process, for {@code OperatorRestartTest}: in a JVM of its own (so with its
 * own start-up state, e.g. the salt of {@code Map.of}'s iteration order), it writes a cluster's
 * keys and workloads with the operator's own beans, then exits.
 *
 * <p>Arguments: API URL, service account token, namespace, cluster, and the order in which the
 * test's JVM iterates a node's labels. A JVM that iterates them in the same order could not show a
 * difference between processes: it writes nothing and exits with {@link #SAME_ORDER}, and the test
 * starts another one.
 */
public final class OperatorInAnotherJvm {

  public static final int SAME_ORDER = 3;

  private OperatorInAnotherJvm() {}

  /** The order this JVM iterates the labels of a node's objects in (keys joined by commas). */
  public static String labelOrder() {
    return String.join(",", new ClusterNames("demo", "ns").nodeLabels("mixnode", "n").keySet());
  }

  public static void main(String[] args) {
    String url = args[0];
    String token = args[1];
    String namespace = args[2];
    String name = args[3];
    String testJvmOrder = args[4];
    if (labelOrder().equals(testJvmOrder)) {
      System.exit(SAME_ORDER);
    }
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withOauthToken(token)
            .withHttp2Disable(true)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      MixnetCluster cluster =
          client.resources(MixnetCluster.class).inNamespace(namespace).withName(name).get();
      ResourceApplier applier = new ResourceApplier();
      applier.client = client;
      KeySecrets keySecrets = new KeySecrets();
      keySecrets.client = client;
      keySecrets.applier = applier;
      ClusterWorkloads workloads = new ClusterWorkloads();
      workloads.client = client;
      workloads.applier = applier;
      ClusterKeys keys =
          keySecrets.reconcile(cluster, Instant.now().truncatedTo(ChronoUnit.SECONDS));
      ClusterWorkloads.Changes changes = workloads.apply(cluster, keys);
      List<String> written = changes.written();
      // The test reads this line from the process's output.
      System.out.println("written " + written.size() + " " + labelOrder());
    }
    // The client's HTTP threads outlive close(): end the process as a killed operator's ends.
    System.exit(0);
  }
}
