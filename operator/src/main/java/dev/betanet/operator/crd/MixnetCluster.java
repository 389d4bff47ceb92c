package dev.betanet.operator.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A whole mixnet: mixnode layers, routers and the canary split between mixnet and fallback. */
@Group("betanet.dev")
@Version("v1alpha1")
@ShortNames("mxc")
public class MixnetCluster extends CustomResource<MixnetClusterSpec, MixnetClusterStatus>
    implements Namespaced {}
