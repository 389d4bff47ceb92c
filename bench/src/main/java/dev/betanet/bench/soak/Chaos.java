package dev.betanet.bench.soak;

import dev.betanet.local.LocalSystem;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * The soak's failure injection, each action recorded as an {@link Event} with its time: SIGKILL of
 * a random ready mixnode (never the witness, whose memory is followed through the whole soak, and
 * never the last ready node of a layer, so the mixnet keeps a path: losing a whole layer is a
 * different test), of the router and of the operator (the local runtime restarts each, as kubelet
 * would); a packet-key rotation ({@code spec.rotateKeysAt}); a canary weight move. For a router
 * kill it also records when the router is ready again, since requests in between may fail by
 * design.
 */
final class Chaos {

  static final String MIXNODE_KILLED = "mixnode killed";
  static final String ROUTER_KILLED = "router killed";
  static final String ROUTER_READY = "router ready";
  static final String OPERATOR_KILLED = "operator killed";
  static final String KEYS_ROTATED = "keys rotated";
  static final String WEIGHT_SET = "weight set";

  /** One action: when (ms since the soak began), what, on which pod or to which value. */
  record Event(long atMillis, String action, String target) {}

  private final LocalSystem system;
  private final String namespace;
  private final String cluster;
  private final String witness;
  private final LongSupplier clockMillis;
  private final Random random;
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  Chaos(
      LocalSystem system,
      String namespace,
      String cluster,
      String witness,
      LongSupplier clockMillis,
      long seed) {
    this.system = system;
    this.namespace = namespace;
    this.cluster = cluster;
    this.witness = witness;
    this.clockMillis = clockMillis;
    this.random = new Random(seed);
  }

  /** Kills one ready mixnode whose layer keeps another ready one; false when none qualifies. */
  boolean killMixnode() {
    List<Pod> mixnodes = clusterPods("mixnode");
    List<Pod> candidates = new ArrayList<>();
    for (Pod pod : mixnodes) {
      String name = pod.getMetadata().getName();
      long readyInLayer =
          mixnodes.stream()
              .filter(Chaos::ready)
              .filter(p -> layer(p.getMetadata().getName()).equals(layer(name)))
              .count();
      if (ready(pod) && !name.equals(witness) && readyInLayer >= 2) {
        candidates.add(pod);
      }
    }
    if (candidates.isEmpty()) {
      return false;
    }
    Pod victim = candidates.get(random.nextInt(candidates.size()));
    return kill(namespace, victim, MIXNODE_KILLED);
  }

  /** Kills the router, then waits (on this thread) until a new router process is ready. */
  boolean killRouter(long readyTimeoutMillis) throws InterruptedException {
    Optional<Pod> router = clusterPods("router").stream().findFirst();
    if (router.isEmpty() || !kill(namespace, router.get(), ROUTER_KILLED)) {
      return false;
    }
    String name = router.get().getMetadata().getName();
    long deadline = clockMillis.getAsLong() + readyTimeoutMillis;
    // The runtime notices the exit within a pass and marks the pod unready after its probes fail;
    // a ready pod with a live process is the new incarnation.
    Thread.sleep(2_000);
    while (clockMillis.getAsLong() < deadline) {
      Pod now = system.client().pods().inNamespace(namespace).withName(name).get();
      boolean alive =
          system
              .runtime()
              .process(namespace, name, container(now))
              .filter(ProcessHandle::isAlive)
              .isPresent();
      if (now != null && ready(now) && alive) {
        events.add(new Event(clockMillis.getAsLong(), ROUTER_READY, name));
        return true;
      }
      Thread.sleep(250);
    }
    events.add(new Event(clockMillis.getAsLong(), ROUTER_READY + " (timed out)", name));
    return false;
  }

  boolean killOperator(String operatorNamespace) {
    return system.client().pods().inNamespace(operatorNamespace).list().getItems().stream()
        .findFirst()
        .map(pod -> kill(operatorNamespace, pod, OPERATOR_KILLED))
        .orElse(false);
  }

  /**
   * Asks the operator for a packet-key rotation now (what {@code kubectl betanet rotate-keys}
   * does).
   */
  void rotateKeys() {
    String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    patch("{\"spec\":{\"rotateKeysAt\":\"" + at + "\"}}");
    events.add(new Event(clockMillis.getAsLong(), KEYS_ROTATED, at));
  }

  /** Sets the canary weight at once (no steps, so no analysis holds it). */
  void setWeight(int weight) {
    patch("{\"spec\":{\"canary\":{\"weight\":" + weight + ",\"steps\":null}}}");
    events.add(new Event(clockMillis.getAsLong(), WEIGHT_SET, Integer.toString(weight)));
  }

  /** Changes the spec with a JSON merge patch, as {@code kubectl patch --type merge} does. */
  void patch(String mergePatch) {
    system
        .client()
        .genericKubernetesResources("betanet.dev/v1alpha1", "MixnetCluster")
        .inNamespace(namespace)
        .withName(cluster)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  List<Event> events() {
    return new ArrayList<>(events);
  }

  private boolean kill(String podNamespace, Pod pod, String action) {
    String name = pod.getMetadata().getName();
    Optional<ProcessHandle> process = system.runtime().process(podNamespace, name, container(pod));
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    process.get().descendants().forEach(ProcessHandle::destroyForcibly);
    process.get().destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to peers
    events.add(new Event(clockMillis.getAsLong(), action, name));
    return true;
  }

  /** The cluster's pods of one component ({@code mixnode}, {@code router}). */
  List<Pod> clusterPods(String component) {
    return system
        .client()
        .pods()
        .inNamespace(namespace)
        .withLabel("betanet.dev/cluster", cluster)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems();
  }

  private static String container(Pod pod) {
    return pod == null ? "" : pod.getSpec().getContainers().getFirst().getName();
  }

  /** {@code <cluster>-mix-<layer>-<index>-0}: the layer part. */
  static String layer(String mixnodePod) {
    String[] parts = mixnodePod.split("-");
    return parts.length >= 4 ? parts[parts.length - 3] : mixnodePod;
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
