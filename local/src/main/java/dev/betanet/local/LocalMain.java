package dev.betanet.local;

import dev.betanet.local.runtime.PrometheusTargets;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make run}: the whole system on this machine, the example cluster applied, until Ctrl-C.
 * Options (picocli; {@code --help} lists them): {@code --repository DIR} (default .), {@code
 * --state DIR} (default .local), {@code --proxy HOST:PORT} (default 127.0.0.1:8080), {@code --socks
 * HOST:PORT} (default 127.0.0.1:1080), {@code --api-port N} (default 0: any free port). A bad or
 * incomplete option is an error with the usage, exit code 2.
 */
@Command(
    name = "make run",
    mixinStandardHelpOptions = true,
    description = "Starts Betanet on this machine (for trying and testing) until Ctrl-C.")
public final class LocalMain implements Callable<Integer> {

  @Option(names = "--repository", paramLabel = "DIR", description = "The repository (default .)")
  Path repository = Path.of(".");

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "Pod files and logs (default .local)")
  Path state = Path.of(".local");

  @Option(
      names = "--proxy",
      paramLabel = "HOST:PORT",
      converter = HostPort.class,
      description = "Where the proxy listens (default 127.0.0.1:8080)")
  InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", 8080);

  @Option(
      names = "--socks",
      paramLabel = "HOST:PORT",
      converter = HostPort.class,
      description = "Where the SOCKS5 port listens (default 127.0.0.1:1080)")
  InetSocketAddress socks = new InetSocketAddress("127.0.0.1", 1080);

  @Option(
      names = "--api-port",
      paramLabel = "N",
      description = "The Kubernetes API's port for kubectl (default 0: any free port)")
  int apiPort = 0;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    InetSocketAddress proxyBind = proxy;
    // The runtime's own progress is printed here; its details go to the pods' logs.
    Logger.getLogger("").setLevel(Level.WARNING);
    Logger.getLogger("io.fabric8").setLevel(Level.SEVERE);

    long started = System.nanoTime();
    say("Starting Betanet locally (for trying and testing; production runs on Kubernetes)");
    LocalSystem system =
        LocalSystem.start(new LocalSystem.Options(repository, state, apiPort, proxyBind));
    Path kubeconfig = system.kubeconfig().toAbsolutePath();
    say("  Kubernetes API  " + system.apiUrl() + "  (kubeconfig " + kubeconfig + ")");
    say("  installed       crds/, k8s/install/ (the operator runs as a pod)");
    String prometheusHint = startPrometheus(system);
    say("  applied         " + system.apply(repository.resolve("k8s/examples/echo-backend.yaml")));
    say("  applied         " + system.apply(repository.resolve("k8s/examples/mixnetcluster.yaml")));
    String proxyAddress;
    try {
      int port = system.exposeRouter("default", "demo");
      proxyAddress = "http://" + proxyBind.getHostString() + ":" + port;
      say("  proxy           " + proxyAddress + " -> Service demo-router");
    } catch (BindException e) {
      proxyAddress = null;
      say(
          "  proxy           cannot listen on "
              + proxyBind.getHostString()
              + ":"
              + proxyBind.getPort()
              + " ("
              + e.getMessage()
              + "); choose another with --proxy, e.g. make run RUN_ARGS='--proxy 127.0.0.1:18080'");
    }
    String socksAddress;
    try {
      int port = system.exposeSocks("default", "demo", socks);
      socksAddress = socks.getHostString() + ":" + port;
      say("  socks5          " + socksAddress + " -> Service demo-router (streams to .fog ports)");
    } catch (BindException e) {
      socksAddress = null;
      say(
          "  socks5          cannot listen on "
              + socks.getHostString()
              + ":"
              + socks.getPort()
              + " ("
              + e.getMessage()
              + "); choose another with --socks, e.g. make run RUN_ARGS='--socks 127.0.0.1:11080'");
    }
    say("Waiting for MixnetCluster demo to become Ready:");
    boolean ready =
        system.awaitReady("default", "demo", Duration.ofMinutes(5), line -> say("  " + line));
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    if (!ready) {
      say("Not Ready after 5 minutes. Pod logs: " + state.resolve("pods") + "/<ns>_<pod>/*.log");
    } else {
      say("Ready in " + seconds + " s.");
    }
    String k = "kubectl --kubeconfig " + kubeconfig;
    say(
        """

        Try:
          %1$s get mxc,pods
          %1$s get mxc demo -w
          %1$s patch mxc demo --type merge -p '{"spec":{"canary":{"weight":50}}}'
          curl -x %2$s http://echo.fog/hello
          curl --socks5-hostname %5$s http://echo.fog/hello   (a TCP stream to echo.fog:80)
          make watch            (live requests/s, latency, errors per transport, canary, pools)%4$s

        Pods' logs and files: %3$s/pods/<namespace>_<pod>/   kill a pid there to see a restart.
        Press Ctrl-C to stop everything."""
            .formatted(
                k,
                proxyAddress == null ? "http://127.0.0.1:<port>" : proxyAddress,
                state.toAbsolutePath(),
                prometheusHint,
                socksAddress == null ? "127.0.0.1:<port>" : socksAddress));
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> say("\nStopping (processes, then the API)...")));
    forever.await();
    return 0;
  }

  /**
   * Prometheus on 127.0.0.1:9090 when its binary is installed, scraping every pod's management
   * port; without it, or when it cannot start, everything else runs as before.
   */
  private String startPrometheus(LocalSystem system) {
    Optional<Path> binary = LocalPrometheus.binary();
    if (binary.isEmpty()) {
      say(
          "  prometheus      not installed, skipping (apt-get install prometheus: make run then"
              + " starts it on "
              + LocalPrometheus.LISTEN
              + ")");
      return "";
    }
    try {
      LocalPrometheus prometheus =
          LocalPrometheus.start(binary.get(), state.toAbsolutePath().resolve("prometheus"));
      PrometheusTargets targets = new PrometheusTargets(prometheus.targets());
      system.runtime().observePods(targets::sync);
      Runtime.getRuntime().addShutdownHook(new Thread(prometheus::close, "local-prometheus-stop"));
      say(
          "  prometheus      "
              + prometheus.url()
              + "  (scraping every pod's management port; targets in "
              + prometheus.targets()
              + ")");
      return "\n  "
          + prometheus.url()
          + "/graph  (Prometheus; try betanet_router_requests_total, or the canary's"
          + " analysis.provider: prometheus with address "
          + prometheus.url()
          + ")";
    } catch (IOException e) {
      say("  prometheus      not started, skipping: " + e.getMessage());
      return "";
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
