package dev.betanet.operator.model;

import dev.betanet.operator.crd.AnalysisProvider;
import dev.betanet.operator.crd.CanaryAnalysisSpec;
import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.operator.crd.MixnetCluster;
import dev.betanet.operator.crd.MixnetClusterSpec;
import dev.betanet.protocol.spec.Durations;
import dev.betanet.protocol.topology.Topology;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules the CRD schema cannot express (uniqueness, relations between fields, URL syntax). A
 * spec that breaks one is reported as {@code Ready=False reason=InvalidSpec} and nothing is changed
 * in the cluster.
 */
public final class SpecValidation {

  /**
   * Longest cluster name: {@code <cluster>-mix-4-49} must stay a valid StatefulSet name (52
   * characters, so that its pods' controller-revision-hash label fits in 63).
   */
  public static final int MAX_CLUSTER_NAME = 40;

  private static final String FOG_ALIAS = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.fog";
  private static final Duration MIN_ROTATION = Duration.ofMinutes(1);

  private SpecValidation() {}

  /** Every problem found, each a sentence naming the field; empty when the spec is valid. */
  public static List<String> problems(MixnetCluster cluster) {
    List<String> problems = new ArrayList<>();
    String name = cluster.getMetadata().getName();
    if (name.length() > MAX_CLUSTER_NAME) {
      problems.add(
          "metadata.name must be at most "
              + MAX_CLUSTER_NAME
              + " characters, got "
              + name.length());
    }
    MixnetClusterSpec spec = cluster.getSpec();
    if (spec == null) {
      problems.add("spec is required");
      return problems;
    }
    if (missingSections(spec, problems)) {
      return problems;
    }
    checkServices(spec.routers.services, problems);
    checkKeyTimes(spec, problems);
    duration(spec.mixnodes.meanDelay, "spec.mixnodes.meanDelay", problems);
    duration(spec.canary.stepInterval, "spec.canary.stepInterval", problems);
    duration(spec.canary.analysis.maxP95Latency, "spec.canary.analysis.maxP95Latency", problems);
    checkSteps(spec.canary.steps, problems);
    checkSurbBuckets(spec.mixnodes.surbBuckets, problems);
    checkAnalysisProvider(spec.canary.analysis, problems);
    return problems;
  }

  /**
   * The topology's rule for SURB buckets (Topology.Mixing), said in the spec's words before a
   * document is built: absent is the default; else 1..8 values, strictly ascending, within 1..1024.
   */
  private static void checkSurbBuckets(List<Integer> buckets, List<String> problems) {
    if (buckets == null) {
      return;
    }
    String field = "spec.mixnodes.surbBuckets";
    if (buckets.isEmpty() || buckets.size() > Topology.Mixing.MAX_SURB_BUCKETS) {
      problems.add(
          field
              + " must hold 1 to "
              + Topology.Mixing.MAX_SURB_BUCKETS
              + " values (or be left out for [1, 4, 16, 64]), got "
              + buckets.size());
      return;
    }
    int previous = 0;
    for (Integer bucket : buckets) {
      if (bucket == null || bucket <= previous || bucket > Topology.Mixing.MAX_SURB_BUCKET) {
        problems.add(
            field
                + " must ascend strictly within 1.."
                + Topology.Mixing.MAX_SURB_BUCKET
                + ", got "
                + buckets);
        return;
      }
      previous = bucket;
    }
  }

  /**
   * Whether a section the rules below read is null: the CRD schema defaults them, but an API server
   * that does not apply the schema (the local one) stores an explicit null as it is. Found by
   * SpecValidationFuzzTest (input null-services-list): it was a NullPointerException here, so the
   * reconcile failed and retried for ever instead of reporting InvalidSpec.
   */
  private static boolean missingSections(MixnetClusterSpec spec, List<String> problems) {
    int before = problems.size();
    required(spec.mixnodes, "spec.mixnodes", problems);
    required(spec.canary, "spec.canary", problems);
    if (spec.canary != null) {
      required(spec.canary.analysis, "spec.canary.analysis", problems);
      required(spec.canary.steps, "spec.canary.steps", problems);
    }
    required(spec.routers, "spec.routers", problems);
    if (spec.routers != null) {
      required(spec.routers.services, "spec.routers.services", problems);
      if (spec.routers.services != null
          && spec.routers.services.stream().anyMatch(java.util.Objects::isNull)) {
        problems.add("spec.routers.services must not hold null entries");
      }
    }
    return problems.size() > before;
  }

  private static void required(Object section, String field, List<String> problems) {
    if (section == null) {
      problems.add(field + " must not be null");
    }
  }

  private static void checkServices(List<FogServiceSpec> services, List<String> problems) {
    Set<String> names = new HashSet<>();
    Set<String> aliases = new HashSet<>();
    for (int i = 0; i < services.size(); i++) {
      FogServiceSpec service = services.get(i);
      String at = "spec.routers.services[" + i + "]";
      if (service.name == null || !names.add(service.name)) {
        problems.add(at + ".name " + service.name + " is used twice or missing");
      }
      if (service.alias != null && !service.alias.isEmpty()) {
        if (!service.alias.matches(FOG_ALIAS)) {
          problems.add(
              at
                  + ".alias must be a DNS label followed by .fog (e.g. echo.fog), got "
                  + service.alias);
        } else if (!aliases.add(service.alias)) {
          problems.add(at + ".alias " + service.alias + " is used twice");
        }
      }
      checkBackend(service.backend, at + ".backend", problems);
      checkPorts(service, at, problems);
    }
  }

  /** Declared TCP ports: each once, each with a tcp://host:port backend (not echoed back). */
  private static void checkPorts(FogServiceSpec service, String at, List<String> problems) {
    if (service.ports == null) {
      return;
    }
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int j = 0; j < service.ports.size(); j++) {
      var port = service.ports.get(j);
      String where = at + ".ports[" + j + "]";
      if (port.port < 1 || port.port > 65535) {
        problems.add(where + ".port must be 1..65535, got " + port.port);
      } else if (!seen.add(port.port)) {
        problems.add(where + ".port " + port.port + " is declared twice");
      }
      URI uri = null;
      try {
        uri = new URI(port.backend == null ? "" : port.backend);
      } catch (URISyntaxException e) {
        // reported below
      }
      if (uri == null
          || !"tcp".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() < 1
          || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
        problems.add(where + ".backend must be tcp://host:port");
      }
    }
  }

  private static void checkBackend(String backend, String at, List<String> problems) {
    try {
      URI uri = new URI(backend == null ? "" : backend);
      // The exit calls backends over plain HTTP (ServicesDocument): an https backend would stop
      // the router at start, so it is refused here, where the user sees it.
      if (uri.getHost() == null || !"http".equals(uri.getScheme())) {
        // The backend itself is not echoed: status and events are read more widely than the spec
        // is written, and a backend's host and port are the service's to disclose.
        problems.add(
            at + " must be an http:// URL with a host (the exit calls it over plain HTTP)");
      }
    } catch (URISyntaxException e) {
      problems.add(at + " is not a URL: " + e.getReason());
    }
  }

  private static void checkKeyTimes(MixnetClusterSpec spec, List<String> problems) {
    Duration rotation = duration(spec.keyRotationInterval, "spec.keyRotationInterval", problems);
    Duration overlap = duration(spec.keyOverlap, "spec.keyOverlap", problems);
    if (rotation != null && rotation.compareTo(MIN_ROTATION) < 0) {
      problems.add("spec.keyRotationInterval must be at least 1m, got " + spec.keyRotationInterval);
    }
    if (rotation != null && overlap != null && overlap.compareTo(rotation) >= 0) {
      problems.add(
          "spec.keyOverlap ("
              + spec.keyOverlap
              + ") must be shorter than spec.keyRotationInterval ("
              + spec.keyRotationInterval
              + ")");
    }
    if (spec.rotateKeysAt != null && !spec.rotateKeysAt.isBlank()) {
      try {
        java.time.Instant.parse(spec.rotateKeysAt);
      } catch (java.time.format.DateTimeParseException e) {
        problems.add(
            "spec.rotateKeysAt must be an RFC 3339 time such as 2026-12-01T15:00:00Z, got "
                + spec.rotateKeysAt);
      }
    }
  }

  private static void checkAnalysisProvider(CanaryAnalysisSpec analysis, List<String> problems) {
    if (analysis.provider != AnalysisProvider.PROMETHEUS) {
      return;
    }
    String at = "spec.canary.analysis.prometheus.address";
    if (analysis.prometheus == null || analysis.prometheus.address == null) {
      problems.add(at + " is required with provider prometheus");
      return;
    }
    try {
      URI uri = new URI(analysis.prometheus.address);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        problems.add(at + " must be an http:// or https:// URL with a host");
      } else if (uri.getRawUserInfo() != null) {
        // Never echoed: it would be a credential. The token belongs in a Secret.
        problems.add(at + " must not carry credentials: use bearerTokenSecret");
      } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        problems.add(at + " must be the server's base URL, without query or fragment");
      }
    } catch (URISyntaxException e) {
      problems.add(at + " is not a URL: " + e.getReason());
    }
    var token = analysis.prometheus.bearerTokenSecret;
    if (token != null && (isBlank(token.name) || isBlank(token.key))) {
      problems.add("spec.canary.analysis.prometheus.bearerTokenSecret needs a name and a key");
    }
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  private static void checkSteps(List<Integer> steps, List<String> problems) {
    int previous = 0;
    for (int i = 0; i < steps.size(); i++) {
      Integer step = steps.get(i);
      if (step == null || step <= previous || step > 100) {
        problems.add("spec.canary.steps must ascend within 1..100, got " + steps);
        return;
      }
      previous = step;
    }
  }

  private static Duration duration(String text, String field, List<String> problems) {
    try {
      return Durations.parse(text, field);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return null;
    }
  }
}
