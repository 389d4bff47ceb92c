package dev.betanet.operator.model;

import dev.betanet.operator.crd.MixnetCluster;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.List;

/**
 * Identities of the node pods and the least they may do with the API: read their cluster's topology
 * ConfigMap by name (to watch it instead of waiting for the volume to refresh), nothing else. Pods
 * do not mount the token unless a node needs the watch.
 */
public final class RbacModel {

  private final ClusterNames names;

  private RbacModel(ClusterNames names) {
    this.names = names;
  }

  public static RbacModel from(MixnetCluster cluster) {
    return new RbacModel(ClusterNames.of(cluster));
  }

  public List<ServiceAccount> serviceAccounts() {
    return List.of(serviceAccount(ClusterNames.MIXNODE), serviceAccount(ClusterNames.ROUTER));
  }

  private ServiceAccount serviceAccount(String component) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(names.serviceAccount(component))
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(component))
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }

  /** Get/watch on this cluster's topology ConfigMap only ({@code resourceNames}). */
  public Role topologyReaderRole() {
    return new RoleBuilder()
        .withNewMetadata()
        .withName(names.topologyReaderRole())
        .withNamespace(names.namespace())
        .withLabels(names.clusterLabels())
        .endMetadata()
        .withRules(
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("configmaps")
                .withResourceNames(names.topologyConfigMap())
                .withVerbs("get", "list", "watch")
                .build())
        .build();
  }

  public RoleBinding topologyReaderBinding() {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(names.topologyReaderRole())
        .withNamespace(names.namespace())
        .withLabels(names.clusterLabels())
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(names.topologyReaderRole())
        .endRoleRef()
        .withSubjects(subject(ClusterNames.MIXNODE), subject(ClusterNames.ROUTER))
        .build();
  }

  private io.fabric8.kubernetes.api.model.rbac.Subject subject(String component) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(names.serviceAccount(component))
        .withNamespace(names.namespace())
        .build();
  }
}
