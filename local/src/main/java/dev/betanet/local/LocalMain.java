package dev.betanet.local;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code make run}: the whole system on this machine, the example cluster applied, until Ctrl-C.
 * Options: {@code --repository DIR} (default .), {@code --state DIR} (default .local), {@code
 * --proxy HOST:PORT} (default 127.0.0.1:8080), {@code --api-port N} (default 0: any free port).
 */
public final class LocalMain {

  private LocalMain() {}

  public static void main(String[] args) throws Exception {
    Path repository = Path.of(".");
    Path state = Path.of(".local");
    String proxy = "127.0.0.1:8080";
    int apiPort = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repository" -> repository = Path.of(args[++i]);
        case "--state" -> state = Path.of(args[++i]);
        case "--proxy" -> proxy = args[++i];
        case "--api-port" -> apiPort = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: LocalMain [--repository DIR] [--state DIR] [--proxy HOST:PORT] [--api-port N]");
          System.exit(2);
        }
      }
    }
    // The runtime's own progress is printed here; its details go to the pods' logs.
    Logger.getLogger("").setLevel(Level.WARNING);
    Logger.getLogger("io.fabric8").setLevel(Level.SEVERE);
    int colon = proxy.lastIndexOf(':');
    InetSocketAddress proxyBind =
        new InetSocketAddress(
            proxy.substring(0, colon), Integer.parseInt(proxy.substring(colon + 1)));

    long started = System.nanoTime();
    say("Starting Betanet locally (for trying and testing; production runs on Kubernetes)");
    LocalSystem system =
        LocalSystem.start(new LocalSystem.Options(repository, state, apiPort, proxyBind));
    Path kubeconfig = system.kubeconfig().toAbsolutePath();
    say("  Kubernetes API  " + system.apiUrl() + "  (kubeconfig " + kubeconfig + ")");
    say("  installed       crds/, k8s/install/ (the operator runs as a pod)");
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
              + proxy
              + " ("
              + e.getMessage()
              + "); choose another with --proxy, e.g. make run RUN_ARGS='--proxy 127.0.0.1:18080'");
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
          make watch            (live requests/s, latency, errors per transport, canary, pools)

        Pods' logs and files: %3$s/pods/<namespace>_<pod>/   kill a pid there to see a restart.
        Press Ctrl-C to stop everything."""
            .formatted(
                k,
                proxyAddress == null ? "http://127.0.0.1:<port>" : proxyAddress,
                state.toAbsolutePath()));
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> say("\nStopping (processes, then the API)...")));
    forever.await();
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
