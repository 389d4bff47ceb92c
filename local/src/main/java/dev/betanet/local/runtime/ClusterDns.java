package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cluster DNS as hosts files, one per namespace, read by every process through {@code
 * -Djdk.net.hosts.file}: a pod with a hostname and subdomain is {@code
 * <hostname>.<subdomain>.<ns>.svc[.cluster.local]}; a Service is {@code
 * <svc>.<ns>.svc[.cluster.local]} and {@code <svc>.<ns>}, plus plain {@code <svc>} in its own
 * namespace's file, and resolves to its ready pods' addresses (all of them if headless, the first
 * otherwise: there is no virtual service IP, so a Service's port must equal its target port).
 */
final class ClusterDns {

  private final Path dir;
  private final Map<String, String> written = new HashMap<>();

  ClusterDns(Path dir) {
    this.dir = dir;
  }

  Path hostsFile(String namespace) {
    return dir.resolve(namespace);
  }

  /** Rewrites the files whose content changed; every namespace in {@code namespaces} gets one. */
  void sync(List<Pod> pods, List<Service> services, Set<String> namespaces) throws IOException {
    Map<String, Set<String>> global = new TreeMap<>();
    Map<String, Map<String, Set<String>>> local = new TreeMap<>();
    for (Pod pod : pods) {
      String ip = ip(pod);
      String hostname = pod.getSpec().getHostname();
      String subdomain = pod.getSpec().getSubdomain();
      if (ip != null && hostname != null && subdomain != null) {
        String ns = pod.getMetadata().getNamespace();
        String fqdn = hostname + "." + subdomain + "." + ns + ".svc";
        add(global, fqdn, ip);
        add(global, fqdn + ".cluster.local", ip);
      }
    }
    for (Service service : services) {
      Map<String, String> selector = service.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        continue;
      }
      String ns = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      List<String> ips = new ArrayList<>();
      for (Pod pod : pods) {
        if (ns.equals(pod.getMetadata().getNamespace())
            && PodStatusWriter.isReady(pod)
            && ip(pod) != null
            && matches(pod, selector)) {
          ips.add(ip(pod));
        }
      }
      if (!"None".equals(service.getSpec().getClusterIP()) && ips.size() > 1) {
        ips = ips.subList(0, 1);
      }
      for (String ip : ips) {
        add(global, name + "." + ns + ".svc", ip);
        add(global, name + "." + ns + ".svc.cluster.local", ip);
        add(global, name + "." + ns, ip);
        add(local.computeIfAbsent(ns, k -> new TreeMap<>()), name, ip);
      }
    }
    Files.createDirectories(dir);
    Set<String> all = new TreeSet<>(namespaces);
    pods.forEach(p -> all.add(p.getMetadata().getNamespace()));
    for (String ns : all) {
      StringBuilder text = new StringBuilder("127.0.0.1 localhost\n::1 localhost\n");
      appendLines(text, local.getOrDefault(ns, Map.of()));
      appendLines(text, global);
      write(ns, text.toString());
    }
  }

  private static void appendLines(StringBuilder text, Map<String, Set<String>> names) {
    names.forEach(
        (name, ips) -> ips.forEach(ip -> text.append(ip).append(' ').append(name).append('\n')));
  }

  private void write(String namespace, String text) throws IOException {
    if (text.equals(written.get(namespace))) {
      return;
    }
    Path target = hostsFile(namespace);
    Path temp = Files.createTempFile(dir, ".hosts-", ".tmp");
    Files.writeString(temp, text);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    written.put(namespace, text);
  }

  private static void add(Map<String, Set<String>> names, String name, String ip) {
    names.computeIfAbsent(name, k -> new TreeSet<>()).add(ip);
  }

  private static String ip(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPodIP();
  }

  static boolean matches(Pod pod, Map<String, String> selector) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }
}
