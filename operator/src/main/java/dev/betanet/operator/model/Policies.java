package dev.betanet.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.List;

/** Services, network policies and disruption budgets shared in shape by mixnodes and routers. */
final class Policies {

  private Policies() {}

  /** The component's pods, selected through the labels every node pod carries. */
  static LabelSelector componentSelector(ClusterNames names, String component) {
    return new LabelSelectorBuilder().withMatchLabels(names.componentLabels(component)).build();
  }

  /** Pods of this cluster's mixnodes and routers: the only peers that may send packets. */
  static NetworkPolicyIngressRule fromClusterNodes(ClusterNames names, int... ports) {
    var peer =
        new NetworkPolicyPeerBuilder()
            .withNewPodSelector()
            .addToMatchLabels(ClusterNames.LABEL_CLUSTER, names.cluster())
            .withMatchExpressions(
                new LabelSelectorRequirementBuilder()
                    .withKey(ClusterNames.LABEL_COMPONENT)
                    .withOperator("In")
                    .withValues(ClusterNames.MIXNODE, ClusterNames.ROUTER)
                    .build())
            .endPodSelector()
            .build();
    return new NetworkPolicyIngressRuleBuilder().withFrom(peer).withPorts(tcp(ports)).build();
  }

  /** From anywhere: probes, metrics scraping, and (for routers) clients. */
  static NetworkPolicyIngressRule fromAnywhere(int... ports) {
    return new NetworkPolicyIngressRuleBuilder().withPorts(tcp(ports)).build();
  }

  static NetworkPolicy networkPolicy(
      ClusterNames names, String component, List<NetworkPolicyIngressRule> rules) {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(names.networkPolicy(component))
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(component))
        .endMetadata()
        .withNewSpec()
        .withPodSelector(componentSelector(names, component))
        .withPolicyTypes("Ingress")
        .withIngress(rules)
        .endSpec()
        .build();
  }

  /** Voluntary disruptions (drains) take down one node of the component at a time. */
  static PodDisruptionBudget podDisruptionBudget(ClusterNames names, String component) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(names.podDisruptionBudget(component))
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(component))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withSelector(componentSelector(names, component))
        .endSpec()
        .build();
  }

  /**
   * A headless service giving every node pod a stable DNS name. Not-ready pods are published too:
   * nodes connect to each other while starting, and the topology's health flag, not DNS, tells
   * senders whom to skip.
   */
  static Service headlessService(
      ClusterNames names, String name, String component, List<ServicePort> ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(component))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(names.componentLabels(component))
        .withPorts(ports)
        .endSpec()
        .build();
  }

  static ServicePort servicePort(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .withProtocol("TCP")
        .build();
  }

  private static List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> tcp(
      int... ports) {
    return java.util.Arrays.stream(ports)
        .mapToObj(
            port ->
                new NetworkPolicyPortBuilder()
                    .withProtocol("TCP")
                    .withPort(new IntOrString(port))
                    .build())
        .toList();
  }
}
