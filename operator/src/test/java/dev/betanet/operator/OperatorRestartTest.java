package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.reconcile.OperatorInAnotherJvm;
import dev.betanet.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A restarted operator rewrites nothing, so no pod is re-created. Before this operator starts, an
 * earlier operator process ({@link OperatorInAnotherJvm}, a JVM of its own, with the operator's own
 * beans) writes the cluster's keys and workloads and exits; then this operator starts, as after a
 * restart, and reconciles the same API state. No object it owns may be written again: a StatefulSet
 * written with a changed pod template is what makes the StatefulSet controller (or the local
 * runtime) replace its pod.
 *
 * <p>The earlier process must differ from this one where operator processes differ: it runs only if
 * it iterates {@code Map.of} in another order than this JVM (the order is salted per JVM), else
 * another one is started. That difference made every restarted operator rewrite every object.
 */
@QuarkusTest
@WithRbacApiServer(setup = OperatorRestartTest.EarlierOperator.class)
class OperatorRestartTest {

  static final String NS = "restart";
  static final String RECORDS_NS = "test-records";
  static final String RECORD = "earlier-operator";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @ApiAdmin KubernetesClient client;

  @Test
  void aRestartedOperatorWritesNoObjectItOwns() {
    Map<String, String> written =
        client.configMaps().inNamespace(RECORDS_NS).withName(RECORD).get().getData();
    assertThat(written)
        .as("the earlier process wrote the StatefulSets")
        .containsKeys("StatefulSet/demo-mix-0-0", "StatefulSet/demo-router-0");
    ClusterObjects objects = new ClusterObjects(client);
    long generation = objects.cluster(NS, "demo").getMetadata().getGeneration();

    // This operator reconciled: status (written last in a reconcile) and the topology are its own.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              MixnetCluster cluster = objects.cluster(NS, "demo");
              assertThat(cluster.getStatus()).isNotNull();
              assertThat(cluster.getStatus().observedGeneration).isEqualTo(generation);
              assertThat(objects.condition(NS, "demo", Conditions.TOPOLOGY_PUBLISHED).getStatus())
                  .isEqualTo("True");
            });
    assertThat(objects.resourceVersions(NS))
        .as("every object the earlier operator wrote, unchanged after the restart")
        .isEqualTo(written);
  }

  /**
   * Runs before this operator starts: creates the cluster, lets an earlier operator process write
   * its objects and records their resource versions in ConfigMap {@code test-records/
   * earlier-operator}.
   */
  public static final class EarlierOperator implements Consumer<RbacApiServer> {

    private static final int ATTEMPTS = 12;

    @Override
    public void accept(RbacApiServer api) {
      KubernetesClient admin = api.getClient();
      admin.resource(TestClusters.demo(NS, "demo")).create();
      String token = api.token(RbacApiServer.OPERATOR_NAMESPACE, RbacApiServer.OPERATOR_ACCOUNT);
      String thisJvmOrder = OperatorInAnotherJvm.labelOrder();
      List<String> outputs = new ArrayList<>();
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        Result result = run(api.url(), token, thisJvmOrder);
        if (result.exit() == OperatorInAnotherJvm.SAME_ORDER) {
          outputs.add("same Map.of order as this JVM");
          continue;
        }
        if (result.exit() != 0) {
          throw new IllegalStateException(
              "the earlier operator process failed (" + result.exit() + "):\n" + result.output());
        }
        Map<String, String> versions = new ClusterObjects(admin).resourceVersions(NS);
        admin
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(RECORD)
                    .withNamespace(RECORDS_NS)
                    .endMetadata()
                    .withData(versions)
                    .build())
            .create();
        return;
      }
      throw new IllegalStateException(
          ATTEMPTS + " JVMs in a row iterated Map.of as this one does: " + outputs);
    }

    private record Result(int exit, String output) {}

    private static Result run(String url, String token, String order) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      ProcessBuilder builder =
          new ProcessBuilder(
                  java.toString(),
                  "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                  "-cp",
                  System.getProperty("java.class.path"),
                  OperatorInAnotherJvm.class.getName(),
                  url,
                  token,
                  NS,
                  "demo",
                  order)
              .redirectErrorStream(true);
      try {
        Path log = Files.createTempFile("earlier-operator", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
          process.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.delete(log);
        if (!exited) {
          throw new IllegalStateException("the earlier operator process did not exit:\n" + output);
        }
        return new Result(process.exitValue(), output);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
