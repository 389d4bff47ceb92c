package dev.betanet.bench.local;

import dev.betanet.local.LocalSystem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The local system as {@code make run} starts it, for a bench: the embedded API, the operator, the
 * echo backend and the example cluster, Ready, with its proxy forwarded to a free port.
 *
 * @param system the running system; close it to stop everything
 * @param proxyPort the routers' proxy on 127.0.0.1
 * @param readySeconds from the start until the cluster was Ready
 */
record ExampleSystem(LocalSystem system, int proxyPort, double readySeconds) {

  static final String NAMESPACE = "default";
  static final String CLUSTER = "demo";

  /** How long the example cluster is given to become Ready. */
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  /** The first service whose jar is missing under {@code repository}: the system runs them. */
  static Optional<String> unpackaged(Path repository) {
    return Stream.of("mixnode-service", "router-service", "operator")
        .filter(
            module ->
                !Files.isRegularFile(
                    repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar")))
        .findFirst();
  }

  /**
   * @param command how the bench is called, for progress lines
   * @param say where progress lines go
   * @throws IllegalStateException when the cluster is not Ready in time (the message says where the
   *     pod logs are)
   */
  static ExampleSystem start(Path repository, Path state, String command, Consumer<String> say)
      throws IOException, InterruptedException {
    Logger.getLogger("").setLevel(Level.WARNING);
    Logger.getLogger("io.fabric8").setLevel(Level.SEVERE);
    say.accept(command + ": starting the local system (as make run does)");
    long started = System.nanoTime();
    LocalSystem system =
        LocalSystem.start(
            new LocalSystem.Options(repository, state, 0, new InetSocketAddress("127.0.0.1", 0)));
    try {
      system.apply(repository.resolve("k8s/examples/echo-backend.yaml"));
      system.apply(repository.resolve("k8s/examples/mixnetcluster.yaml"));
      int proxyPort = system.exposeRouter(NAMESPACE, CLUSTER);
      if (!system.awaitReady(NAMESPACE, CLUSTER, READY_TIMEOUT, l -> say.accept("  " + l))) {
        throw new IllegalStateException(
            "the cluster was not Ready within "
                + READY_TIMEOUT.toMinutes()
                + " minutes; pod logs are under "
                + state.resolve("pods"));
      }
      return new ExampleSystem(system, proxyPort, (System.nanoTime() - started) / 1e9);
    } catch (IOException | InterruptedException | RuntimeException e) {
      system.close();
      throw e;
    }
  }
}
