package dev.betanet.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A whole mixnet: mixnode layers, routers and the canary split between mixnet and fallback. */
@Group("betanet.dev")
@Version("v1alpha1")
@ShortNames("mxc")
@AdditionalPrinterColumn(
    name = "Ready",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Mixnodes",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.mixnodes")
@AdditionalPrinterColumn(
    name = "Routers",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.routers")
@AdditionalPrinterColumn(
    name = "Canary",
    type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.canaryWeight")
@AdditionalPrinterColumn(
    name = "Phase",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class MixnetCluster extends CustomResource<MixnetClusterSpec, MixnetClusterStatus>
    implements Namespaced {}
