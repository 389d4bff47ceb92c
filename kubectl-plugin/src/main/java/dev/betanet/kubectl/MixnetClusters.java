package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The MixnetClusters of one namespace, through the API server only. Every change is a JSON merge
 * patch (RFC 7386), which any API server accepts for custom resources; every API failure becomes a
 * {@link PluginException} with one line that says what went wrong where.
 */
public final class MixnetClusters implements AutoCloseable {

  static final ResourceDefinitionContext MIXNET_CLUSTER =
      new ResourceDefinitionContext.Builder()
          .withGroup("betanet.dev")
          .withVersion("v1alpha1")
          .withKind("MixnetCluster")
          .withPlural("mixnetclusters")
          .withNamespaced(true)
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String namespace;

  private MixnetClusters(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  static MixnetClusters connect(ConnectionOptions options) {
    var config = options.config();
    return new MixnetClusters(
        new KubernetesClientBuilder().withConfig(config).build(), config.getNamespace());
  }

  String namespace() {
    return namespace;
  }

  /** The cluster as JSON; fails when it does not exist. */
  JsonNode get(String name) {
    GenericKubernetesResource found = call(name, () -> resource(name).get());
    if (found == null) {
      throw notFound(name);
    }
    return JSON.valueToTree(found);
  }

  /** Applies {@code patch} as a JSON merge patch and returns the cluster as the server has it. */
  JsonNode mergePatch(String name, JsonNode patch) {
    get(name); // a patch of a missing object would be answered 404 too; this names it plainly
    GenericKubernetesResource patched =
        call(
            name,
            () -> resource(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString()));
    return JSON.valueToTree(patched);
  }

  /**
   * Calls {@code onChange} with the cluster now, then at every change the API server reports; the
   * returned future completes normally when the cluster is deleted, exceptionally when the watch
   * fails.
   */
  CompletableFuture<Void> watch(String name, Consumer<JsonNode> onChange) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onChange.accept(get(name));
    Watch watch =
        call(
            name,
            () ->
                resource(name)
                    .watch(
                        new Watcher<>() {
                          @Override
                          public void eventReceived(
                              Action action, GenericKubernetesResource cluster) {
                            if (action == Action.DELETED) {
                              done.complete(null);
                            } else if (action == Action.ADDED || action == Action.MODIFIED) {
                              onChange.accept(JSON.valueToTree(cluster));
                            }
                          }

                          @Override
                          public void onClose(WatcherException cause) {
                            done.completeExceptionally(
                                PluginException.failed(
                                    "the watch of "
                                        + describe(name)
                                        + " ended: "
                                        + firstLine(cause.getMessage())));
                          }
                        }));
    done.whenComplete((ignored, failure) -> watch.close());
    return done;
  }

  private Resource<GenericKubernetesResource> resource(String name) {
    return client.genericKubernetesResources(MIXNET_CLUSTER).inNamespace(namespace).withName(name);
  }

  private PluginException notFound(String name) {
    return PluginException.failed(describe(name) + " not found");
  }

  private String describe(String name) {
    return "MixnetCluster \"" + name + "\" in namespace \"" + namespace + "\"";
  }

  private interface ApiCall<T> {
    T run();
  }

  private <T> T call(String name, ApiCall<T> call) {
    try {
      return call.run();
    } catch (KubernetesClientException e) {
      throw translate(name, e);
    }
  }

  private PluginException translate(String name, KubernetesClientException e) {
    String server = client.getConfiguration().getMasterUrl();
    if (e.getCode() == 404) {
      return notFound(name);
    }
    if (e.getCode() == 0 || causedByIo(e)) {
      return PluginException.failed(
          "cannot reach the Kubernetes API at "
              + server
              + ": "
              + firstLine(rootMessage(e))
              + " (check the kubeconfig and its context, or start the cluster, e.g. make run)");
    }
    Status status = e.getStatus();
    String why =
        status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
    return PluginException.failed(
        "the API server at " + server + " answered " + e.getCode() + ": " + firstLine(why));
  }

  private static boolean causedByIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** Why a connection failed, in words: the most telling exception of the chain. */
  private static String rootMessage(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    // Most specific first: the JDK reports an unknown host as a ConnectException, for one.
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "cannot resolve the host name";
      }
    }
    for (Throwable t : chain) {
      if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
        return "no answer in time";
      }
      if (t instanceof SSLException) {
        return "TLS failed: " + t.getMessage();
      }
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
    }
    for (Throwable t : chain.reversed()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  static String firstLine(String text) {
    if (text == null || text.isBlank()) {
      return "no reason given";
    }
    String line = text.strip();
    int end = line.indexOf('\n');
    return end < 0 ? line : line.substring(0, end).strip();
  }

  @Override
  public void close() {
    client.close();
  }
}
