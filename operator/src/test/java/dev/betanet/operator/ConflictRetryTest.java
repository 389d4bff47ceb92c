package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.betanet.operator.status.Conditions;
import dev.betanet.protocol.metrics.MetricNames;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 409 conflict when the operator writes a cluster's status (someone wrote the cluster since it
 * was read) is routine: the operator retries on the current version, counts it as {@code
 * result="conflict"}, logs no error or stack trace, and does not report the cluster as failed. The
 * in-process API answers the first status write of the cluster with a real 409.
 */
@QuarkusTest
@WithRbacApiServer(setup = ConflictRetryTest.FirstStatusWriteConflicts.class)
class ConflictRetryTest {

  static final String NS = "conflict";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The first PATCH of {@code conflict/demo}'s status is refused as an API server refuses it. */
  public static class FirstStatusWriteConflicts implements Consumer<RbacApiServer> {
    @Override
    public void accept(RbacApiServer server) {
      server
          .expect()
          .patch()
          .withPath("/apis/betanet.dev/v1alpha1/namespaces/" + NS + "/mixnetclusters/demo/status")
          .andReturn(
              409,
              new StatusBuilder()
                  .withStatus("Failure")
                  .withCode(409)
                  .withReason("Conflict")
                  .withMessage(
                      "Operation cannot be fulfilled on mixnetclusters.betanet.dev \"demo\": the"
                          + " object has been modified; please apply your changes to the latest"
                          + " version and try again")
                  .build())
          .once();
    }
  }

  @ApiAdmin KubernetesClient client;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    Logger.getLogger("dev.betanet.operator").addHandler(capture);
  }

  @AfterEach
  void release() {
    Logger.getLogger("dev.betanet.operator").removeHandler(capture);
  }

  @Test
  void aConflictIsRetriedAndCountedWithoutAnErrorOrAFailedStatus() {
    String[] demo = {"namespace", NS, "cluster", "demo"};
    client.resource(TestClusters.demo(NS, "demo")).create();
    ClusterObjects objects = new ClusterObjects(client);

    // Status is written by the retry; the refused write was counted before the retry began.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(objects.condition(NS, "demo", Conditions.TOPOLOGY_PUBLISHED).getStatus())
                    .isEqualTo("True"));
    MetricsPage after = MetricsPage.scrape(metrics);
    assertThat(after.value(MetricNames.OPERATOR_RECONCILIATIONS, with(demo, "result", "conflict")))
        .as("the refused status write")
        .isEqualTo(1.0);
    assertThat(after.has(MetricNames.OPERATOR_RECONCILIATIONS, with(demo, "result", "failed")))
        .as("not counted as a failure")
        .isFalse();
    assertThat(objects.condition(NS, "demo", Conditions.READY).getReason())
        .isNotEqualTo("ReconcileFailed");
    assertThat(records)
        .as("no warning, error or stack trace from the operator for a routine conflict")
        .noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .noneMatch(r -> r.getThrown() != null);
  }

  private static String[] with(String[] labels, String name, String value) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + 2);
    all[labels.length] = name;
    all[labels.length + 1] = value;
    return all;
  }
}
