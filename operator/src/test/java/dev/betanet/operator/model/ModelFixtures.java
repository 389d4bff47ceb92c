package dev.betanet.operator.model;

import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/** Clusters for plain unit tests of the model layer. */
public final class ModelFixtures {

  private ModelFixtures() {}

  /** 3 layers of 2 mixnodes, {@code routers} routers, services echo (alias echo.fog) and web. */
  public static MixnetCluster cluster(int routers) {
    var cluster = new MixnetCluster();
    cluster.setMetadata(
        new ObjectMetaBuilder().withName("demo").withNamespace("ns").withGeneration(1L).build());
    var spec = new MixnetClusterSpec();
    spec.routers.replicas = routers;
    spec.routers.services =
        new ArrayList<>(
            List.of(
                new FogServiceSpec("echo", "echo.fog", "http://echo:8080"),
                new FogServiceSpec("web", null, "http://web.example:8443")));
    cluster.setSpec(spec);
    return cluster;
  }
}
