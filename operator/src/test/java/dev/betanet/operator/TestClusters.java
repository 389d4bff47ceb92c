package dev.betanet.operator;

import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** The example cluster of k8s/examples: 3 layers of 2 mixnodes, 1 router hosting echo.fog. */
final class TestClusters {

  private TestClusters() {}

  static MixnetCluster demo(String namespace, String name) {
    var cluster = new MixnetCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var spec = new MixnetClusterSpec();
    spec.mixnodes.layers = 3;
    spec.mixnodes.nodesPerLayer = 2;
    spec.routers.replicas = 1;
    spec.routers.services =
        List.of(new FogServiceSpec("echo", "echo.fog", "http://echo." + namespace + ".svc:8080"));
    spec.canary.weight = 0;
    // No mixnode here serves metrics: the anonymity gate is off (AnonymityGateTest turns it on).
    spec.canary.analysis.minEntropyBits = 0;
    cluster.setSpec(spec);
    return cluster;
  }
}
