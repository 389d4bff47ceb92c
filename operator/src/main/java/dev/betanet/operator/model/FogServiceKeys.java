package dev.betanet.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.betanet.operator.crd.FogServiceSpec;
import dev.betanet.protocol.topology.Ed25519Keys;
import dev.betanet.protocol.topology.FogName;
import dev.betanet.protocol.topology.ServicesDocument;
import dev.betanet.protocol.topology.Topology.FogService;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Ed25519 keys of a cluster's {@code .fog} services, by service name, as kept in Secret {@code
 * <cluster>-fog-services} (key {@code fog-keys.json}); no pod mounts it: the operator derives the
 * services' {@code .fog} names from it. A service's {@code .fog} name is derived from its key, so
 * the key is generated once and never rotated: a new key would be a new name.
 *
 * <pre>{@code {"<fog name>": {"service": "echo", "privateKey": "<base64 Ed25519 private>"}}}</pre>
 */
public final class FogServiceKeys {

  public static final String FILE_NAME = "fog-keys.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private record Entry(String service, String privateKey) {}

  private final Map<String, byte[]> privateKeysByService;

  private FogServiceKeys(Map<String, byte[]> privateKeysByService) {
    this.privateKeysByService = new TreeMap<>(privateKeysByService);
  }

  /** The keys in {@code secret}; none when it is absent or unreadable. */
  public static FogServiceKeys fromSecret(Secret secret) {
    Map<String, byte[]> keys = new TreeMap<>();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(FILE_NAME)) {
      return new FogServiceKeys(keys);
    }
    try {
      byte[] file = Base64.getDecoder().decode(secret.getData().get(FILE_NAME));
      Map<String, Entry> entries =
          JSON.readValue(
              file,
              JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, Entry.class));
      entries
          .values()
          .forEach(e -> keys.put(e.service(), Base64.getDecoder().decode(e.privateKey())));
    } catch (IOException | IllegalArgumentException e) {
      // Nothing usable: the caller generates fresh keys (new names), which it reports.
      return new FogServiceKeys(Map.of());
    }
    return new FogServiceKeys(keys);
  }

  /** These keys, plus fresh ones for new services, minus those of removed services. */
  public FogServiceKeys forServices(List<FogServiceSpec> services, SecureRandom random) {
    Map<String, byte[]> keys = new TreeMap<>();
    for (FogServiceSpec service : services) {
      byte[] existing = privateKeysByService.get(service.name);
      keys.put(service.name, existing != null ? existing : Ed25519Keys.generatePrivate(random));
    }
    return new FogServiceKeys(keys);
  }

  /** Whether this holds exactly the same keys as {@code other}. */
  public boolean sameKeysAs(FogServiceKeys other) {
    if (!privateKeysByService.keySet().equals(other.privateKeysByService.keySet())) {
      return false;
    }
    return privateKeysByService.entrySet().stream()
        .allMatch(
            e -> java.util.Arrays.equals(e.getValue(), other.privateKeysByService.get(e.getKey())));
  }

  /** The {@code .fog} name of service {@code serviceName}. */
  public String fogName(String serviceName) {
    byte[] key = privateKeysByService.get(serviceName);
    if (key == null) {
      throw new IllegalStateException("BUG: no key for .fog service " + serviceName);
    }
    return FogName.of(Ed25519Keys.publicOf(key));
  }

  /** The services router {@code routerIndex} hosts: service i goes to router i mod replicas. */
  public List<FogService> hostedBy(int routerIndex, int replicas, List<FogServiceSpec> services) {
    List<FogService> hosted = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      if (i % replicas == routerIndex) {
        FogServiceSpec service = services.get(i);
        hosted.add(
            new FogService(fogName(service.name), service.alias == null ? "" : service.alias));
      }
    }
    return hosted;
  }

  /** {@code services.json}: backend by fog name and by alias, as routers read it. */
  public String servicesJson(List<FogServiceSpec> services) {
    Map<String, String> backends = new TreeMap<>();
    Map<String, Map<Integer, String>> tcpPorts = new TreeMap<>();
    for (FogServiceSpec service : services) {
      Map<Integer, String> ports = new TreeMap<>();
      if (service.ports != null) {
        service.ports.forEach(p -> ports.put(p.port, p.backend));
      }
      backends.put(fogName(service.name), service.backend);
      tcpPorts.put(fogName(service.name), ports);
      if (service.alias != null && !service.alias.isEmpty()) {
        backends.put(service.alias, service.backend);
        tcpPorts.put(service.alias, ports);
      }
    }
    return new ServicesDocument(backends, tcpPorts).toJson();
  }

  public Secret secret(ClusterNames names) {
    Map<String, Entry> entries = new TreeMap<>();
    privateKeysByService.forEach(
        (service, key) ->
            entries.put(
                FogName.of(Ed25519Keys.publicOf(key)),
                new Entry(service, Base64.getEncoder().encodeToString(key))));
    byte[] file = write(entries).getBytes(StandardCharsets.UTF_8);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(names.fogServicesSecret())
        .withNamespace(names.namespace())
        .withLabels(names.componentLabels(ClusterNames.ROUTER))
        .endMetadata()
        .withType("Opaque")
        .addToData(FILE_NAME, Base64.getEncoder().encodeToString(file))
        .build();
  }

  private static String write(Object value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: fog service JSON could not be written", e);
    }
  }
}
