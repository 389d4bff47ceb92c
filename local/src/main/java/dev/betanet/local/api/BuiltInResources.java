package dev.betanet.local.api;

import java.util.List;
import java.util.Map;

/** The built-in kinds the local mode serves, keyed by group/version ("v1" for core). */
final class BuiltInResources {

  static final Map<String, List<ApiResource>> BY_GROUP_VERSION =
      Map.of(
          "v1",
          List.of(
              new ApiResource("namespaces", "Namespace", false, List.of("ns"), true),
              new ApiResource("pods", "Pod", true, List.of("po"), true),
              new ApiResource("services", "Service", true, List.of("svc"), true),
              new ApiResource("configmaps", "ConfigMap", true, List.of("cm"), false),
              new ApiResource("secrets", "Secret", true, List.of(), false),
              new ApiResource("events", "Event", true, List.of("ev"), false),
              new ApiResource("serviceaccounts", "ServiceAccount", true, List.of("sa"), false)),
          "apps/v1",
          List.of(
              new ApiResource("deployments", "Deployment", true, List.of("deploy"), true),
              new ApiResource("statefulsets", "StatefulSet", true, List.of("sts"), true)),
          "rbac.authorization.k8s.io/v1",
          List.of(
              new ApiResource("roles", "Role", true, List.of(), false),
              new ApiResource("rolebindings", "RoleBinding", true, List.of(), false),
              new ApiResource("clusterroles", "ClusterRole", false, List.of(), false),
              new ApiResource(
                  "clusterrolebindings", "ClusterRoleBinding", false, List.of(), false)),
          "networking.k8s.io/v1",
          List.of(
              new ApiResource("networkpolicies", "NetworkPolicy", true, List.of("netpol"), false)),
          "policy/v1",
          List.of(
              new ApiResource(
                  "poddisruptionbudgets", "PodDisruptionBudget", true, List.of("pdb"), true)),
          "apiextensions.k8s.io/v1",
          List.of(
              new ApiResource(
                  "customresourcedefinitions",
                  "CustomResourceDefinition",
                  false,
                  List.of("crd", "crds"),
                  true)));

  private BuiltInResources() {}
}
