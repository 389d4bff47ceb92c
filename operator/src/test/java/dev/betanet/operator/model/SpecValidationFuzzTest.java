package dev.betanet.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import dev.betanet.protocol.spec.Durations;
import dev.betanet.protocol.topology.ServicesDocument;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * Fuzz target for the operator's reading of a MixnetCluster: the document as a user (or anything
 * with write access to the resource) stored it, read with the Kubernetes client's own JSON mapping,
 * then {@link SpecValidation}. The contract: {@link SpecValidation#problems} never throws, whatever
 * the document holds, so a bad spec always ends as {@code Ready=False reason=InvalidSpec} and never
 * as a failing reconcile; and a spec it accepts is one the rest of the operator and the routers can
 * use: its durations parse, the key overlap is shorter than the rotation interval, service names
 * are unique, and the {@code services.json} the operator writes from it is accepted by the router's
 * parser and reads back the same ({@link ServicesDocument}, the same class on both sides).
 *
 * <p>The fuzzer edits one field of the example cluster (or several) with a fuzz-chosen JSON value,
 * or gives the whole document: edits reach the rules behind a parse, raw text the mapping itself.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/operator/model/SpecValidationFuzzTestInputs}.
 */
class SpecValidationFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
  private static final String EXAMPLE =
      """
      {"apiVersion":"betanet.dev/v1alpha1","kind":"MixnetCluster",
       "metadata":{"name":"demo","namespace":"default","generation":1},
       "spec":{"mixnodes":{"layers":3,"nodesPerLayer":2,"meanDelay":"50ms","packetSize":2048},
        "routers":{"replicas":1,"services":[
          {"name":"echo","alias":"echo.fog","backend":"http://echo:8080"},
          {"name":"web","backend":"http://web.example:8443/base"}]},
        "canary":{"weight":0,"steps":[5,25,50,100],"stepInterval":"5m",
          "analysis":{"maxErrorRate":0.01,"maxP95Latency":"2s","minSamples":100}},
        "fallbackPolicy":"fallback","keyRotationInterval":"24h","keyOverlap":"10m",
        "rotateKeysAt":"2026-12-01T15:00:00Z","coverTraffic":{"rate":0}}}
      """;

  /** Fields the fuzzer edits: a path of object keys and array indexes under the document. */
  private static final List<List<Object>> FIELDS =
      List.of(
          List.of("metadata", "name"),
          List.of("spec"),
          List.of("spec", "mixnodes"),
          List.of("spec", "mixnodes", "meanDelay"),
          List.of("spec", "routers"),
          List.of("spec", "routers", "services"),
          List.of("spec", "routers", "services", 0),
          List.of("spec", "routers", "services", 0, "name"),
          List.of("spec", "routers", "services", 1, "name"),
          List.of("spec", "routers", "services", 0, "alias"),
          List.of("spec", "routers", "services", 1, "alias"),
          List.of("spec", "routers", "services", 0, "backend"),
          List.of("spec", "routers", "services", 1, "backend"),
          List.of("spec", "canary"),
          List.of("spec", "canary", "steps"),
          List.of("spec", "canary", "steps", 1),
          List.of("spec", "canary", "stepInterval"),
          List.of("spec", "canary", "analysis"),
          List.of("spec", "canary", "analysis", "maxP95Latency"),
          List.of("spec", "keyRotationInterval"),
          List.of("spec", "keyOverlap"),
          List.of("spec", "rotateKeysAt"));

  @FuzzTest(maxDuration = "60s")
  void validatesAnyClusterDocument(FuzzedDataProvider data) throws Exception {
    String document;
    if (data.consumeBoolean()) {
      document = data.consumeRemainingAsString();
    } else {
      ObjectNode root = (ObjectNode) JSON.readTree(EXAMPLE);
      int edits = data.consumeInt(1, 4);
      for (int i = 0; i < edits; i++) {
        set(root, data.pickValue(FIELDS), value(data));
      }
      document = JSON.writeValueAsString(root);
    }
    MixnetCluster cluster;
    try {
      cluster = KUBERNETES.unmarshal(document, MixnetCluster.class);
    } catch (RuntimeException notAResource) {
      return; // the client (and the API server before it) refuse it: the operator never sees it
    }
    if (cluster == null
        || cluster.getMetadata() == null
        || cluster.getMetadata().getName() == null) {
      return; // the API server stores no object without a name
    }
    List<String> problems = SpecValidation.problems(cluster);
    if (problems.isEmpty()) {
      usable(cluster.getSpec());
    }
  }

  /** What the rest of the operator relies on once the spec passed. */
  private static void usable(MixnetClusterSpec spec) {
    Duration rotation = Durations.parse(spec.keyRotationInterval, "keyRotationInterval");
    Duration overlap = Durations.parse(spec.keyOverlap, "keyOverlap");
    assertThat(overlap).isLessThan(rotation);
    Durations.parse(spec.mixnodes.meanDelay, "meanDelay");
    Durations.parse(spec.canary.stepInterval, "stepInterval");
    Durations.parse(spec.canary.analysis.maxP95Latency, "maxP95Latency");
    if (spec.rotateKeysAt != null && !spec.rotateKeysAt.isBlank()) {
      assertThatNoException().isThrownBy(() -> Instant.parse(spec.rotateKeysAt));
    }
    var names = new HashSet<String>();
    for (FogServiceSpec service : spec.routers.services) {
      assertThat(names.add(service.name)).as("service names unique").isTrue();
    }
    FogServiceKeys keys =
        FogServiceKeys.fromSecret(null).forServices(spec.routers.services, fixedRandom());
    String written = keys.servicesJson(spec.routers.services);
    ServicesDocument read = ServicesDocument.parse(written);
    assertThat(read.toJson()).isEqualTo(written);
    for (FogServiceSpec service : spec.routers.services) {
      assertThat(read.backends()).containsEntry(keys.fogName(service.name), service.backend);
      if (service.alias != null && !service.alias.isEmpty()) {
        assertThat(read.backends()).containsKey(service.alias);
      }
    }
  }

  private static SecureRandom fixedRandom() {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(19);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: every JDK has SHA1PRNG", e);
    }
  }

  /** A JSON value: usually a string made of pieces the rules look at, else any other kind. */
  private static JsonNode value(FuzzedDataProvider data) {
    var nodes = JsonNodeFactory.instance;
    return switch (data.consumeInt(0, 7)) {
      case 0 -> nodes.nullNode();
      case 1 -> nodes.numberNode(data.consumeInt());
      case 2 -> nodes.booleanNode(data.consumeBoolean());
      case 3 -> {
        ArrayNode array = nodes.arrayNode();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
          array.add(
              data.consumeBoolean()
                  ? nodes.numberNode(data.consumeInt(-1, 101))
                  : nodes.nullNode());
        }
        yield array;
      }
      case 4 -> nodes.objectNode().put(data.consumeString(8), data.consumeString(16));
      case 5 -> nodes.textNode(data.consumeString(64));
      default -> nodes.textNode(pieces(data));
    };
  }

  private static final String[] PIECES = {
    "http://",
    "https://",
    "echo",
    ".fog",
    "-",
    ":",
    "8080",
    "/",
    "@",
    "[::1]",
    "%",
    "?",
    "#",
    "1",
    "0",
    "99999999999999999999",
    "ms",
    "s",
    "m",
    "h",
    "2026-12-01T15:00:00Z",
    "T",
    "Z",
    ".",
    " ",
    "a",
    "\u00e9",
    "x".repeat(64)
  };

  private static String pieces(FuzzedDataProvider data) {
    var text = new StringBuilder();
    int n = data.consumeInt(0, 8);
    for (int i = 0; i < n; i++) {
      text.append(data.pickValue(PIECES));
    }
    return text.toString();
  }

  /** Sets the field at {@code path} (creating nothing: a missing parent leaves the document). */
  private static void set(ObjectNode root, List<Object> path, JsonNode value) {
    JsonNode parent = root;
    for (int i = 0; i < path.size() - 1; i++) {
      parent =
          path.get(i) instanceof Integer index
              ? parent.path(index)
              : parent.path((String) path.get(i));
    }
    Object last = path.getLast();
    if (last instanceof Integer index
        && parent instanceof ArrayNode array
        && index < array.size()) {
      array.set(index, value);
    } else if (last instanceof String key && parent instanceof ObjectNode object) {
      object.set(key, value);
    }
  }
}
