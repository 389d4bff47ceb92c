package dev.betanet.operator.model;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod contract every mixnode and router follows: where its keys and topology are mounted, the
 * environment that names them, the management port with its probes, and a security context that
 * meets the {@code restricted} Pod Security Standard. Nothing that changes at run time (canary
 * weight, topology epoch) is in here, so such changes never restart pods.
 */
public final class NodePods {

  public static final String KEYS_DIR = "/etc/betanet/keys";
  public static final String TOPOLOGY_DIR = "/etc/betanet/topology";
  public static final String SERVICES_DIR = "/etc/betanet/services";

  /**
   * The node's writable state (BETANET_STATE_DIR): the last accepted topology, so a restarted
   * container refuses an older one. An emptyDir: it outlives container restarts (crash, OOM kill,
   * failed liveness), not the pod (docs/operations.md).
   */
  public static final String STATE_DIR = "/var/lib/betanet";

  public static final int PACKET_PORT = 1789;
  public static final int TUNNEL_PORT = 1790;
  public static final int PROXY_PORT = 8080;
  public static final int MANAGEMENT_PORT = 9000;
  public static final long RUN_AS_USER = 10001;

  private NodePods() {}

  /** A file a node reads: a Secret or ConfigMap mounted read-only, and the env var naming it. */
  public record MountedFile(
      String volume, String source, boolean secret, String dir, String file, String env) {
    String path() {
      return dir + "/" + file;
    }
  }

  /** The files every node reads: its own keys and the cluster topology. */
  public static List<MountedFile> commonFiles(ClusterNames names, String statefulSet) {
    return List.of(
        new MountedFile(
            "keys",
            names.nodeKeysSecret(ClusterNames.nodeId(statefulSet)),
            true,
            KEYS_DIR,
            "keys.json",
            "BETANET_KEYS_FILE"),
        new MountedFile(
            "topology",
            names.topologyConfigMap(),
            false,
            TOPOLOGY_DIR,
            "topology.json",
            "BETANET_TOPOLOGY_FILE"));
  }

  /**
   * One node's StatefulSet ({@code node}) of one replica, so that its pod alone mounts its keys.
   */
  public static StatefulSet statefulSet(
      ClusterNames names,
      String component,
      String node,
      String headlessService,
      String image,
      ResourceRequirements resources,
      List<MountedFile> files,
      List<ContainerPort> ports) {
    Map<String, String> labels = names.nodeLabels(component, node);
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(node)
        .withNamespace(names.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withServiceName(headlessService)
        // A node's pod is its own; start it at once rather than in order.
        .withPodManagementPolicy("Parallel")
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withTemplate(podTemplate(names, component, node, image, resources, files, ports))
        .endSpec()
        .build();
  }

  static PodTemplateSpec podTemplate(
      ClusterNames names,
      String component,
      String node,
      String image,
      ResourceRequirements resources,
      List<MountedFile> files,
      List<ContainerPort> ports) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("BETANET_NODE_ID", ClusterNames.nodeId(node), null));
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    for (MountedFile file : files) {
      env.add(new EnvVar(file.env(), file.path(), null));
      volumes.add(volume(file));
      mounts.add(
          new VolumeMountBuilder()
              .withName(file.volume())
              .withMountPath(file.dir())
              .withReadOnly(true)
              .build());
    }
    env.add(new EnvVar("BETANET_STATE_DIR", STATE_DIR, null));
    volumes.add(new VolumeBuilder().withName("state").withNewEmptyDir().endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName("state").withMountPath(STATE_DIR).build());
    // A read-only root file system still needs somewhere for the JVM's temporary files.
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    List<ContainerPort> allPorts = new ArrayList<>(ports);
    allPorts.add(port("management", MANAGEMENT_PORT));

    Container container =
        new ContainerBuilder()
            .withName(component)
            .withImage(image)
            .withEnv(env)
            .withPorts(allPorts)
            .withVolumeMounts(mounts)
            .withResources(resources)
            .withLivenessProbe(probe("/q/health/live"))
            .withReadinessProbe(probe("/q/health/ready"))
            .withSecurityContext(
                new SecurityContextBuilder()
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withRunAsNonRoot(true)
                    .withCapabilities(new Capabilities(null, List.of("ALL")))
                    .build())
            .build();
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(names.nodeLabels(component, node))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(names.serviceAccount(component))
        // Nodes read their topology from the mounted file; they need no API token.
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS_USER)
                .withRunAsGroup(RUN_AS_USER)
                .withFsGroup(RUN_AS_USER)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .withContainers(container)
        .withVolumes(volumes)
        .endSpec()
        .build();
  }

  public static ContainerPort port(String name, int number) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(number)
        .withProtocol("TCP")
        .build();
  }

  private static Volume volume(MountedFile file) {
    VolumeBuilder volume = new VolumeBuilder().withName(file.volume());
    if (file.secret()) {
      // 0440 + fsGroup: readable by the node's user, by nobody else.
      return volume
          .withNewSecret()
          .withSecretName(file.source())
          .withDefaultMode(0440)
          .endSecret()
          .build();
    }
    return volume.withNewConfigMap().withName(file.source()).endConfigMap().build();
  }

  private static Probe probe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("management"))
        .endHttpGet()
        .withPeriodSeconds(10)
        .withFailureThreshold(3)
        .build();
  }
}
