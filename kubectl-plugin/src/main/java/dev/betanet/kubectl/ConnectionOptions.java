package dev.betanet.kubectl;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which API server and namespace to talk to, as kubectl decides it: the kubeconfig of {@code
 * --kubeconfig}, else of {@code KUBECONFIG}, else {@code ~/.kube/config}; its current context (or
 * {@code --context}); the context's namespace unless {@code -n} says otherwise. kubectl does not
 * pass its own flags to a plugin (it refuses flags before the plugin's name), so the plugin takes
 * the same ones itself.
 */
public final class ConnectionOptions {

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace of the MixnetCluster (default: the context's namespace).")
  String namespace;

  /** The client configuration; fails with one line when the named kubeconfig cannot be read. */
  Config config() {
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw PluginException.badArgument(
            "cannot read kubeconfig " + kubeconfig + " (no such file, or not readable)");
      }
      // Fabric8 reads this property before KUBECONFIG, as kubectl ranks --kubeconfig first.
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    }
    Config config = Config.autoConfigure(context);
    if (namespace != null && !namespace.isBlank()) {
      config.setNamespace(namespace);
    } else if (config.getNamespace() == null || config.getNamespace().isBlank()) {
      config.setNamespace("default");
    }
    // A command answers within seconds or says why; it does not retry for a minute.
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(15_000);
    // Watch as kubectl does, over a chunked HTTP response, not a websocket: every API server
    // serves that, and so does the embedded one of `make run`, which answers a websocket
    // upgrade with a chunked stream that the client would wait on forever.
    config.setOnlyHttpWatches(true);
    return config;
  }
}
