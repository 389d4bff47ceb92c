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
    Config config;
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw PluginException.badArgument(
            "cannot read kubeconfig " + kubeconfig + " (no such file, or not readable)");
      }
      config = Config.fromKubeconfig(context, kubeconfig.toFile());
    } else {
      if (noKubeconfigAnywhere()) {
        throw PluginException.badArgument(
            "no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG (for make run:"
                + " --kubeconfig .local/kubeconfig)");
      }
      config = Config.autoConfigure(context);
    }
    if (context != null
        && config.getContexts().stream().noneMatch(named -> context.equals(named.getName()))) {
      // Fabric8 would quietly use the current context instead; kubectl refuses, and so do we.
      throw PluginException.badArgument("context \"" + context + "\" is not in the kubeconfig");
    }
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

  /** Neither KUBECONFIG, nor ~/.kube/config, nor a pod's service account to fall back on. */
  private static boolean noKubeconfigAnywhere() {
    String fromEnvironment = System.getenv("KUBECONFIG");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return false;
    }
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      return false;
    }
    return !Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"));
  }
}
