package dev.betanet.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Every Secret a pod can read, by any route a pod spec offers: secret volumes, projected volumes,
 * {@code env[].valueFrom.secretKeyRef} and {@code envFrom[].secretRef}, in every container.
 */
final class SecretReferences {

  private SecretReferences() {}

  static List<String> of(PodSpec pod) {
    TreeSet<String> names = new TreeSet<>();
    for (Volume volume : nullSafe(pod.getVolumes())) {
      if (volume.getSecret() != null) {
        names.add(volume.getSecret().getSecretName());
      }
      if (volume.getProjected() != null) {
        for (VolumeProjection source : nullSafe(volume.getProjected().getSources())) {
          if (source.getSecret() != null) {
            names.add(source.getSecret().getName());
          }
        }
      }
    }
    List<Container> containers = new ArrayList<>(nullSafe(pod.getContainers()));
    containers.addAll(nullSafe(pod.getInitContainers()));
    for (Container container : containers) {
      for (EnvVar env : nullSafe(container.getEnv())) {
        if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
          names.add(env.getValueFrom().getSecretKeyRef().getName());
        }
      }
      for (EnvFromSource source : nullSafe(container.getEnvFrom())) {
        if (source.getSecretRef() != null) {
          names.add(source.getSecretRef().getName());
        }
      }
    }
    return List.copyOf(names);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
