package dev.betanet.local;

import dev.betanet.local.api.EmbeddedApiServer;
import dev.betanet.local.runtime.LocalRuntime;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole system on one machine: the embedded Kubernetes API, the local runtime, and, applied
 * through the API as on a cluster, the CRD, the operator's install manifests (the operator then
 * runs as a pod) and any example manifests. {@code make run} and the end-to-end test both use it.
 */
public final class LocalSystem implements AutoCloseable {

  public static final String API_GROUP_PATH = "/apis/betanet.dev/v1alpha1";

  /** What to start: where the built modules are, where state goes, where the proxy listens. */
  public record Options(Path repository, Path stateDir, int apiPort, InetSocketAddress proxyBind) {}

  private final Options options;
  private final EmbeddedApiServer api;
  private final KubernetesClient client;
  private final LocalRuntime runtime;
  private final Path kubeconfig;
  private int proxyPort = -1;

  private LocalSystem(
      Options options,
      EmbeddedApiServer api,
      KubernetesClient client,
      LocalRuntime runtime,
      Path kubeconfig) {
    this.options = options;
    this.api = api;
    this.client = client;
    this.runtime = runtime;
    this.kubeconfig = kubeconfig;
  }

  /** Starts the API and the runtime, installs the CRD and the operator; nothing else yet. */
  public static LocalSystem start(Options options) throws IOException {
    Path state = options.stateDir().toAbsolutePath();
    Files.createDirectories(state);
    EmbeddedApiServer api = EmbeddedApiServer.start(options.apiPort());
    try {
      Path kubeconfig = api.writeKubeconfig(state.resolve("kubeconfig"));
      KubernetesClient client = api.newClient();
      LocalRuntime runtime =
          new LocalRuntime(
              client,
              options.repository().toAbsolutePath(),
              state,
              (namespace, account, podDir) ->
                  api.writeServiceAccountKubeconfig(
                      podDir.resolve("kubeconfig"), namespace, account));
      LocalSystem system = new LocalSystem(options, api, client, runtime, kubeconfig);
      Runtime.getRuntime().addShutdownHook(new Thread(system::close, "local-system-stop"));
      runtime.start();
      Path repo = options.repository();
      system.apply(repo.resolve("crds"));
      system.apply(repo.resolve("k8s/install"));
      return system;
    } catch (IOException | RuntimeException e) {
      api.close();
      throw e;
    }
  }

  /** Applies every YAML file in {@code path} (a file or a directory, in name order). */
  public List<String> apply(Path path) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> listing = Files.list(path)) {
        listing
            .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted()
            .forEach(files::add);
      }
    } else {
      files.add(path);
    }
    List<String> applied = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          client.resource(item).createOr(NonDeletingOperation::update);
          applied.add(item.getKind() + "/" + item.getMetadata().getName());
        }
      }
    }
    return applied;
  }

  /** Forwards the proxy address of the options to the routers' client Service. */
  public int exposeRouter(String namespace, String cluster) throws IOException {
    proxyPort = runtime.forward(options.proxyBind(), namespace, cluster + "-router", 8080);
    return proxyPort;
  }

  /**
   * Forwards {@code bind} to the SOCKS5 port (1080) of the routers' client Service, as {@link
   * #exposeRouter} does the proxy port; returns the bound port.
   */
  public int exposeSocks(String namespace, String cluster, InetSocketAddress bind)
      throws IOException {
    return runtime.forward(bind, namespace, cluster + "-router", 1080);
  }

  /**
   * Waits until MixnetCluster {@code namespace/name} has Ready=True, reporting progress (pods
   * ready, phase) to {@code progress} when it changes.
   */
  public boolean awaitReady(
      String namespace, String name, Duration timeout, Consumer<String> progress)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      GenericKubernetesResource cluster = mixnetCluster(namespace, name);
      String line = progressLine(cluster);
      if (!line.equals(last)) {
        progress.accept(line);
        last = line;
      }
      if (cluster != null && ready(cluster)) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  public GenericKubernetesResource mixnetCluster(String namespace, String name) {
    return client
        .genericKubernetesResources("betanet.dev/v1alpha1", "MixnetCluster")
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  @SuppressWarnings("unchecked")
  private static boolean ready(GenericKubernetesResource cluster) {
    Object status = cluster.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> list)) {
      return false;
    }
    return list.stream()
        .map(c -> (Map<String, Object>) c)
        .anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
  }

  private String progressLine(GenericKubernetesResource cluster) {
    long podsReady =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(dev.betanet.local.LocalSystem::podReady)
            .count();
    long pods = client.pods().inAnyNamespace().list().getItems().size();
    if (cluster == null) {
      return "pods " + podsReady + "/" + pods + " ready; cluster not created yet";
    }
    Object status = cluster.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map)) {
      return "pods " + podsReady + "/" + pods + " ready; waiting for the operator";
    }
    return "pods "
        + podsReady
        + "/"
        + pods
        + " ready; cluster "
        + map.get("phase")
        + ", mixnodes "
        + map.get("mixnodes")
        + ", routers "
        + map.get("routers");
  }

  private static boolean podReady(io.fabric8.kubernetes.api.model.Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  public KubernetesClient client() {
    return client;
  }

  public LocalRuntime runtime() {
    return runtime;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The API as kubectl reaches it. */
  public String apiUrl() {
    return api.kubectlUrl();
  }

  public int proxyPort() {
    return proxyPort;
  }

  private volatile boolean closed;

  /** Stops every process, then the API. Safe to call twice (also runs at JVM exit). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    runtime.close();
    client.close();
    api.close();
  }
}
