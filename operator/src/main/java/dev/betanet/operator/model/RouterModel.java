package dev.betanet.operator.model;

import static dev.betanet.operator.model.NodePods.MANAGEMENT_PORT;
import static dev.betanet.operator.model.NodePods.PACKET_PORT;
import static dev.betanet.operator.model.NodePods.PROXY_PORT;
import static dev.betanet.operator.model.NodePods.TUNNEL_PORT;

import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.RoutersSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;

/**
 * The desired Kubernetes objects of a cluster's routers; plain Java, no API calls. Routers run as
 * one StatefulSet per replica (not a Deployment): each has its own keys, and the replies to a
 * request (SURBs) come back to the packet address of the router that sent it.
 */
public final class RouterModel {

  public static final String SERVICES_FILE = "services.json";

  private final ClusterNames names;
  private final RoutersSpec spec;

  private RouterModel(ClusterNames names, RoutersSpec spec) {
    this.names = names;
    this.spec = spec;
  }

  public static RouterModel from(MixnetCluster cluster) {
    return new RouterModel(ClusterNames.of(cluster), cluster.getSpec().routers);
  }

  /** Router StatefulSet names. */
  public List<String> nodes() {
    return names.routers(spec.replicas);
  }

  public String packetAddress(String router) {
    return names.podAddress(
        ClusterNames.nodeId(router), names.routersHeadlessService(), PACKET_PORT);
  }

  public String tunnelAddress(String router) {
    return names.podAddress(
        ClusterNames.nodeId(router), names.routersHeadlessService(), TUNNEL_PORT);
  }

  public List<StatefulSet> statefulSets() {
    return nodes().stream().map(this::statefulSet).toList();
  }

  /**
   * One router's StatefulSet. Its pod mounts only what a router reads: its own keys, the topology,
   * the services' backends. Not the {@code .fog} services' private keys (Secret {@code
   * <cluster>-fog-services}): no router code signs with them, and a router that did would need only
   * the keys of the services it hosts, not every service's.
   */
  public StatefulSet statefulSet(String router) {
    List<NodePods.MountedFile> files = new ArrayList<>(NodePods.commonFiles(names, router));
    files.add(
        new NodePods.MountedFile(
            "services",
            names.routerServicesConfigMap(),
            false,
            NodePods.SERVICES_DIR,
            SERVICES_FILE,
            "BETANET_SERVICES_FILE"));
    return NodePods.statefulSet(
        names,
        ClusterNames.ROUTER,
        router,
        names.routersHeadlessService(),
        spec.image,
        spec.resources,
        files,
        List.of(
            NodePods.port("proxy", PROXY_PORT),
            NodePods.port("packets", PACKET_PORT),
            NodePods.port("tunnel", TUNNEL_PORT)));
  }

  /** Stable per-router DNS names for packets and the tunnel. */
  public Service headlessService() {
    return Policies.headlessService(
        names,
        names.routersHeadlessService(),
        ClusterNames.ROUTER,
        List.of(
            Policies.servicePort("packets", PACKET_PORT),
            Policies.servicePort("tunnel", TUNNEL_PORT),
            Policies.servicePort("management", MANAGEMENT_PORT)));
  }

  /** What clients point their HTTP proxy at: any ready router. */
  public Service clientService() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(names.routerClientService())
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(ClusterNames.ROUTER))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(names.componentLabels(ClusterNames.ROUTER))
        .withPorts(Policies.servicePort("proxy", PROXY_PORT))
        .endSpec()
        .build();
  }

  /** Proxy and management from anywhere; packets and tunnel only from this cluster's nodes. */
  public NetworkPolicy networkPolicy() {
    return Policies.networkPolicy(
        names,
        ClusterNames.ROUTER,
        List.of(
            Policies.fromClusterNodes(names, PACKET_PORT, TUNNEL_PORT),
            Policies.fromAnywhere(PROXY_PORT, MANAGEMENT_PORT)));
  }

  public PodDisruptionBudget podDisruptionBudget() {
    return Policies.podDisruptionBudget(names, ClusterNames.ROUTER);
  }

  /** The backends of the hosted {@code .fog} services, by fog name and by alias. */
  public ConfigMap servicesConfigMap(FogServiceKeys fogKeys) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.routerServicesConfigMap())
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(ClusterNames.ROUTER))
        .endMetadata()
        .addToData(SERVICES_FILE, fogKeys.servicesJson(spec.services))
        .build();
  }
}
