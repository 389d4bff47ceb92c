package dev.betanet.local.api;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ApiServerMain [--port N] [--kubeconfig PATH]}: runs the API until Ctrl-C. */
@Command(
    name = "ApiServerMain",
    mixinStandardHelpOptions = true,
    description = "Runs the embedded Kubernetes API until Ctrl-C.")
public final class ApiServerMain implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "N", description = "kubectl's port (default 0: any free)")
  int port = 0;

  @Option(
      names = "--kubeconfig",
      paramLabel = "PATH",
      description = "Where to write the kubeconfig (default target/kubeconfig)")
  Path kubeconfig = Path.of("target", "kubeconfig");

  public static void main(String[] args) {
    System.exit(new CommandLine(new ApiServerMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
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
    return 0;
  }
}
