package dev.betanet.local.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.betanet.protocol.metrics.PrometheusTextParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make watch}: one screen, redrawn every second, of the cluster {@code make run} started:
 * per transport requests/s, p50/p95 latency and error rate over the last {@value #WINDOW} s (from
 * the routers' /q/metrics), the canary weight and phase (the MixnetCluster's status), the mixnode
 * pools (ready of desired, and per layer as the first router sees them), and each layer's departure
 * entropy and the cover rate ({@code status.anonymity}, {@link AnonymityView}), and the streams
 * (open, windows, kB/s each way per transport, retransmissions: {@link StreamView}). Options
 * (picocli; {@code --help} lists them): {@code --kubeconfig FILE}, {@code --namespace NS}, {@code
 * --cluster NAME}, {@code --once}.
 */
@Command(
    name = "make watch",
    mixinStandardHelpOptions = true,
    description = "A live one-screen view of the system make run started.")
public final class WatchMain implements Callable<Integer> {

  static final int WINDOW = 10;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "The local system's kubeconfig (default .local/kubeconfig)")
  Path kubeconfig = Path.of(".local", "kubeconfig");

  @Option(names = "--namespace", paramLabel = "NS", description = "Default: default")
  String namespace = "default";

  @Option(
      names = "--cluster",
      paramLabel = "NAME",
      description = "The MixnetCluster (default demo)")
  String cluster = "demo";

  @Option(names = "--once", description = "Print one screen after 3 s and exit")
  boolean once;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WatchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(kubeconfig)) {
      System.err.println(kubeconfig + " does not exist: start the system first (make run)");
      return 1;
    }
    Logger.getLogger("").setLevel(Level.SEVERE);
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Deque<MetricsSample> samples = new ArrayDeque<>();
      while (true) {
        Snapshot snapshot = Snapshot.take(client, namespace, cluster);
        samples.addLast(snapshot.metrics());
        if (samples.size() > WINDOW + 1) {
          samples.removeFirst();
        }
        String screen = render(namespace, cluster, snapshot, samples);
        if (once) {
          if (samples.size() >= 3) {
            System.out.print(screen);
            return 0;
          }
        } else {
          System.out.print("\033[H\033[2J" + screen);
          System.out.flush();
        }
        Thread.sleep(1000);
      }
    }
  }

  /** What one second's look at the system found. */
  record Snapshot(
      GenericKubernetesResource cluster,
      List<Pod> routers,
      MetricsSample metrics,
      JsonNode status) {

    static Snapshot take(KubernetesClient client, String namespace, String name) {
      GenericKubernetesResource cluster =
          client
              .genericKubernetesResources("betanet.dev/v1alpha1", "MixnetCluster")
              .inNamespace(namespace)
              .withName(name)
              .get();
      List<Pod> routers =
          client
              .pods()
              .inNamespace(namespace)
              .withLabel("betanet.dev/cluster", name)
              .withLabel("app.kubernetes.io/component", "router")
              .list()
              .getItems();
      MetricsSample total = MetricsSample.EMPTY;
      JsonNode status = null;
      for (Pod router : routers) {
        String ip = router.getStatus() == null ? null : router.getStatus().getPodIP();
        if (ip == null) {
          continue;
        }
        String metrics = get("http://" + ip + ":9000/q/metrics");
        if (metrics != null) {
          try {
            total = total.plus(MetricsSample.from(PrometheusTextParser.parse(metrics)));
          } catch (PrometheusTextParser.FormatException e) {
            // Best effort: a page that does not parse counts as a router not read this second.
          }
        }
        if (status == null) {
          String text = get("http://" + ip + ":9000/api/v1/status");
          try {
            status = text == null ? null : JSON.readTree(text);
          } catch (Exception e) {
            status = null;
          }
        }
      }
      return new Snapshot(cluster, routers, total, status);
    }
  }

  private static String get(String uri) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(1)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  static String render(
      String namespace, String name, Snapshot snapshot, Deque<MetricsSample> samples) {
    StringBuilder out = new StringBuilder();
    out.append("Betanet ")
        .append(namespace)
        .append('/')
        .append(name)
        .append("   ")
        .append(LocalTime.now().truncatedTo(ChronoUnit.SECONDS))
        .append("   (Ctrl-C to leave)\n\n");
    if (snapshot.cluster() == null) {
      return out.append("MixnetCluster ").append(name).append(" not found.\n").toString();
    }
    JsonNode cluster = JSON.valueToTree(snapshot.cluster());
    JsonNode status = cluster.path("status");
    JsonNode spec = cluster.path("spec");
    out.append(
        "cluster   phase %-12s ready %s   topology epoch %s   key epoch %s%n"
            .formatted(
                text(status.path("phase")),
                readyCondition(status),
                text(status.path("topologyEpoch")),
                text(status.path("keyEpoch"))));
    out.append(
        "canary    weight %s (spec %s)   %s%n"
            .formatted(
                text(status.path("canaryWeight")),
                text(spec.path("canary").path("weight")),
                CanaryText.progression(status.path("canary"))));
    out.append(
        "          last analysis %s%n"
            .formatted(
                CanaryText.lastAnalysis(
                    status.path("canary").path("lastAnalysis"), Instant.now())));
    out.append(
        "mixnodes  %s ready   routers %s ready%s%n%n"
            .formatted(
                text(status.path("mixnodes")), text(status.path("routers")), layers(snapshot)));
    out.append(
        AnonymityView.render(status, spec.path("canary").path("analysis").path("minEntropyBits")));
    out.append('\n');
    out.append(
        "%-10s %10s %10s %10s %10s %10s%n"
            .formatted("transport", "req/s", "p50", "p95", "errors", "requests"));
    if (samples.size() < 2) {
      out.append("(measuring...)\n");
      return out.toString();
    }
    MetricsSample first = samples.getFirst();
    MetricsSample last = samples.getLast();
    TreeSet<String> transports = new TreeSet<>(List.of("mixnet", "fallback"));
    transports.addAll(last.requests().keySet());
    for (String transport : transports) {
      TransportStats s = TransportStats.between(first, last, transport, samples.size() - 1);
      out.append(
          "%-10s %10.1f %10s %10s %9.1f%% %10.0f%n"
              .formatted(
                  transport,
                  s.requestsPerSecond(),
                  seconds(s.p50Seconds()),
                  seconds(s.p95Seconds()),
                  100 * s.errorRate(),
                  last.count(transport, null)));
    }
    out.append('\n').append(StreamView.render(first, last, samples.size() - 1));
    out.append("\n(rates and latency over the last ")
        .append(samples.size() - 1)
        .append(" s, from ")
        .append(snapshot.routers().size())
        .append(" router(s)' /q/metrics)\n");
    return out.toString();
  }

  private static String readyCondition(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "-";
  }

  private static String layers(Snapshot snapshot) {
    if (snapshot.status() == null) {
      return "";
    }
    StringBuilder s = new StringBuilder("   layers (healthy/size):");
    for (JsonNode layer : snapshot.status().path("layers")) {
      s.append(' ')
          .append(layer.path("healthy").asText())
          .append('/')
          .append(layer.path("mixnodes").asText());
    }
    return s.toString();
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? "-" : node.asText();
  }

  private static String seconds(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (Double.isInfinite(value)) {
      return ">max";
    }
    return value < 1 ? Math.round(value * 1000) + " ms" : "%.2f s".formatted(value);
  }
}
