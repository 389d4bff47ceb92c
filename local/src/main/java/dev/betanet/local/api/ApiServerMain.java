package dev.betanet.local.api;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code ApiServerMain [--port N] [--kubeconfig PATH]}: runs the API until Ctrl-C. */
public final class ApiServerMain {

  private ApiServerMain() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    Path kubeconfig = Path.of("target", "kubeconfig");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--kubeconfig" -> kubeconfig = Path.of(args[++i]);
        default -> {
          System.err.println("usage: ApiServerMain [--port N] [--kubeconfig PATH]");
          System.exit(2);
        }
      }
    }
    EmbeddedApiServer server = EmbeddedApiServer.start(port);
    Path written = server.writeKubeconfig(kubeconfig).toAbsolutePath();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.println(
        "Kubernetes API: " + server.kubectlUrl() + " (Fabric8 clients: " + server.url() + ")");
    System.out.println("kubeconfig:     " + written);
    System.out.println("try:            kubectl --kubeconfig " + written + " get mxc -w");
    stopped.await();
  }
}
