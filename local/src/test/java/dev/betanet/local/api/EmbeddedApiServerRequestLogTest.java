package dev.betanet.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/**
 * The embedded API keeps no record of the requests it served: the mock web server under it logs
 * each one (body included) for tests to take, and in a local system that runs for hours nothing
 * takes them. {@code make soak} found the log growing the API JVM's live heap.
 */
class EmbeddedApiServerRequestLogTest {

  @Test
  void servedRequestsAreNotKept() throws Exception {
    try (EmbeddedApiServer server = EmbeddedApiServer.start(0);
        KubernetesClient client = server.newClient()) {
      for (int i = 0; i < 200; i++) {
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("c" + i)
                    .endMetadata()
                    .addToData("k", "v".repeat(1000))
                    .build())
            .create();
        client.configMaps().inNamespace("default").withName("c" + i).get();
      }

      assertThat(client.configMaps().inNamespace("default").list().getItems()).hasSize(200);
      // One request at a time here: the log holds at most the last one (the next drains it).
      assertThat(server.loggedRequests())
          .as("requests still held by the mock's log")
          .isLessThanOrEqualTo(1);
    }
  }
}
