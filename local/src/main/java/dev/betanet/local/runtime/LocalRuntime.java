package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The local runtime: every half second it reads the API and drives the workload controller, the
 * kubelet and cluster DNS one pass further, so pods follow the operator's StatefulSets and
 * Deployments. It is for trying and testing Betanet on one machine; production runs on Kubernetes.
 */
public final class LocalRuntime implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LocalRuntime.class.getName());
  static final long PERIOD_MILLIS = 500;

  private final KubernetesClient client;
  private final WorkloadController controller;
  private final LocalKubelet kubelet;
  private final ClusterDns dns;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("local-runtime").daemon().unstarted(r));
  private final List<TcpForwarder> forwarders = new CopyOnWriteArrayList<>();
  private volatile List<Pod> lastPods = List.of();

  /** Told the pods after every pass (e.g. Prometheus's target files). */
  public interface PodsObserver {
    void observe(List<Pod> pods) throws IOException;
  }

  private final List<PodsObserver> observers = new CopyOnWriteArrayList<>();

  /**
   * {@code repository} holds the built modules; {@code stateDir} gets the pods' files, logs and the
   * hosts files; pods that mount a service account token get a kubeconfig from {@code credentials}
   * instead.
   */
  public LocalRuntime(
      KubernetesClient client,
      Path repository,
      Path stateDir,
      ServiceAccountCredentials credentials) {
    this.client = client;
    this.dns = new ClusterDns(stateDir.resolve("hosts"));
    this.controller = new WorkloadController(client);
    this.kubelet =
        new LocalKubelet(
            client,
            new ImageCatalog(repository),
            new LoopbackAddresses(),
            dns,
            stateDir.resolve("pods"),
            credentials);
  }

  public LocalRuntime start() {
    loop.scheduleWithFixedDelay(this::pass, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Has {@code observer} told the pods after every pass from now on. */
  public void observePods(PodsObserver observer) {
    observers.add(observer);
  }

  /** The hosts file processes of {@code namespace} read; other local JVMs may use it too. */
  public Path hostsFile(String namespace) {
    return dns.hostsFile(namespace);
  }

  private void pass() {
    try {
      List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
      controller.sync(pods);
      pods = client.pods().inAnyNamespace().list().getItems();
      kubelet.sync(pods, Instant.now());
      pods = client.pods().inAnyNamespace().list().getItems();
      lastPods = pods;
      for (PodsObserver observer : observers) {
        observer.observe(pods);
      }
      List<Service> services = client.services().inAnyNamespace().list().getItems();
      Set<String> namespaces = new HashSet<>(Set.of("default"));
      client.namespaces().list().getItems().stream()
          .map(Namespace::getMetadata)
          .forEach(m -> namespaces.add(m.getName()));
      dns.sync(pods, services, namespaces);
    } catch (IOException | RuntimeException e) {
      LOG.warning("runtime pass failed, retrying: " + e);
    }
  }

  /**
   * Forwards {@code bind} to port {@code port} of a ready pod selected by Service {@code
   * namespace/service}, as kube-proxy would for a Service the user reaches.
   */
  public int forward(InetSocketAddress bind, String namespace, String service, int port)
      throws IOException {
    TcpForwarder forwarder =
        new TcpForwarder(
            bind, () -> readyPodOf(namespace, service).map(ip -> new InetSocketAddress(ip, port)));
    forwarders.add(forwarder);
    return forwarder.port();
  }

  private Optional<String> readyPodOf(String namespace, String serviceName) {
    Service service = client.services().inNamespace(namespace).withName(serviceName).get();
    if (service == null || service.getSpec().getSelector() == null) {
      return Optional.empty();
    }
    return lastPods.stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(PodStatusWriter::isReady)
        .filter(p -> ClusterDns.matches(p, service.getSpec().getSelector()))
        .map(p -> p.getStatus().getPodIP())
        .findFirst();
  }

  /** The address of a pod this runtime runs. */
  public Optional<String> podIp(String namespace, String pod) {
    return kubelet.ipOf(namespace, pod);
  }

  /** The process of a pod's container, so tests can crash it. */
  public Optional<ProcessHandle> process(String namespace, String pod, String container) {
    return kubelet.processOf(namespace, pod, container);
  }

  /** Stops the loop, the forwarders and every pod's processes. */
  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (TcpForwarder forwarder : forwarders) {
      try {
        forwarder.close();
      } catch (IOException e) {
        LOG.fine(() -> "forwarder close: " + e);
      }
    }
    kubelet.stopAll();
  }
}
