package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's Secret, ConfigMap and emptyDir volumes as directories under the pod's own directory, kept
 * in step with the API objects as kubelet does, so a topology or canary change published in a
 * ConfigMap reaches the running process through its file, without a restart. Files are replaced by
 * an atomic rename, so a reader sees the old or the new content, never half of it.
 */
final class PodVolumes {

  /** The state of one sync: volume directories by volume name, or what is missing. */
  record Result(Map<String, Path> dirs, List<String> missing) {
    boolean complete() {
      return missing.isEmpty();
    }
  }

  private final KubernetesClient client;
  private final Path root;

  /** {@code root} is the pod's directory; volumes go to {@code root/volumes/<name>}. */
  PodVolumes(KubernetesClient client, Path root) {
    this.client = client;
    this.root = root;
  }

  /** Writes every volume of {@code pod} whose source exists; returns where they are. */
  Result sync(Pod pod) throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, Path> dirs = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Volume volume : pod.getSpec().getVolumes()) {
      Path dir = root.resolve("volumes").resolve(volume.getName());
      Files.createDirectories(dir);
      dirs.put(volume.getName(), dir);
      if (volume.getSecret() != null) {
        String name = volume.getSecret().getSecretName();
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
          missing.add("secret " + name);
          continue;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (secret.getData() != null) {
          secret.getData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret.getStringData() != null) {
          secret.getStringData().forEach((k, v) -> files.put(k, bytes(v)));
        }
        write(dir, select(files, volume.getSecret().getItems()), true);
      } else if (volume.getConfigMap() != null) {
        String name = volume.getConfigMap().getName();
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null) {
          missing.add("configmap " + name);
          continue;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (map.getData() != null) {
          map.getData().forEach((k, v) -> files.put(k, bytes(v)));
        }
        if (map.getBinaryData() != null) {
          map.getBinaryData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
        }
        write(dir, select(files, volume.getConfigMap().getItems()), false);
      } else if (volume.getEmptyDir() == null) {
        missing.add("volume " + volume.getName() + " (only secret, configMap, emptyDir run here)");
      }
    }
    return new Result(dirs, missing);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, byte[]> select(Map<String, byte[]> all, List<KeyToPath> items) {
    if (items == null || items.isEmpty()) {
      return all;
    }
    Map<String, byte[]> chosen = new LinkedHashMap<>();
    for (KeyToPath item : items) {
      if (all.containsKey(item.getKey())) {
        chosen.put(item.getPath(), all.get(item.getKey()));
      }
    }
    return chosen;
  }

  /** Writes files whose content changed and removes files whose key is gone. */
  private static void write(Path dir, Map<String, byte[]> files, boolean secret)
      throws IOException {
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      if (file.getKey().contains("..") || file.getKey().startsWith("/")) {
        continue; // the API server rejects such keys; never write outside the volume
      }
      Path target = dir.resolve(file.getKey());
      if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), file.getValue())) {
        continue;
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".write-", ".tmp");
      if (secret) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.write(temp, file.getValue());
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try (var listing = Files.list(dir)) {
      for (Path present : listing.toList()) {
        String name = present.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(present) && !files.containsKey(name)) {
          Files.deleteIfExists(present);
        }
      }
    }
  }
}
