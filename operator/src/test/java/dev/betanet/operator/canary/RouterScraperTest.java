package dev.betanet.operator.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.canary.RouterScraper.Target;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the operator looks for each router's metrics. */
class RouterScraperTest {

  @Test
  void findsEachRouterByPodNameIpAndNamedManagementPort() {
    List<Target> targets =
        RouterScraper.targets(
            List.of("demo-router-0-0", "demo-router-1-0", "demo-router-2-0", "demo-router-3-0"),
            List.of(
                pod("demo-router-0-0", "10.1.2.3", 41234),
                pod("demo-router-1-0", "fd00::7", null),
                pod("demo-router-2-0", null, 9000),
                pod("demo-router-9-0", "10.1.2.9", 9000)));

    assertThat(targets)
        .containsExactly(
            new Target("demo-router-0-0", URI.create("http://10.1.2.3:41234/q/metrics"), null),
            new Target("demo-router-1-0", URI.create("http://[fd00::7]:9000/q/metrics"), null),
            new Target("demo-router-2-0", null, "pod has no IP yet"),
            new Target("demo-router-3-0", null, "no pod"));
  }

  private static Pod pod(String name, String ip, Integer managementPort) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewStatus()
            .withPodIP(ip)
            .endStatus();
    var container = pod.withNewSpec().addNewContainer().withName("router");
    container.addNewPort().withName("proxy").withContainerPort(8080).endPort();
    if (managementPort != null) {
      container.addNewPort().withName("management").withContainerPort(managementPort).endPort();
    }
    return container.endContainer().endSpec().build();
  }
}
