package dev.betanet.local.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Deletes the dependents of a deleted object (those whose ownerReferences name its uid),
 * recursively, because the mock has no garbage collector and the local mode relies on deleting a
 * MixnetCluster to remove what the operator made for it.
 */
final class OwnerGarbageCollector {

  private static final Logger LOG = Logger.getLogger(OwnerGarbageCollector.class.getName());

  private final KubernetesCrudDispatcher crud;
  private final Supplier<Map<String, List<ApiResource>>> resources;
  private final ObjectMapper json = new ObjectMapper();

  OwnerGarbageCollector(
      KubernetesCrudDispatcher crud, Supplier<Map<String, List<ApiResource>>> resources) {
    this.crud = crud;
    this.resources = resources;
  }

  /** The uid of the object at {@code path}, or null if there is none. */
  String uidAt(String path) {
    JsonNode object = read(crud.handleGet(path));
    String uid = object == null ? "" : object.path("metadata").path("uid").asText();
    return uid.isEmpty() ? null : uid;
  }

  void deleteDependentsOf(String ownerUid) {
    resources
        .get()
        .forEach(
            (groupVersion, list) -> {
              String base = "v1".equals(groupVersion) ? "/api/v1/" : "/apis/" + groupVersion + "/";
              for (ApiResource resource : list) {
                JsonNode items = read(crud.handleGet(base + resource.plural()));
                if (items != null) {
                  items
                      .path("items")
                      .forEach(item -> deleteIfOwned(item, ownerUid, base, resource));
                }
              }
            });
  }

  private void deleteIfOwned(JsonNode item, String ownerUid, String base, ApiResource resource) {
    JsonNode metadata = item.path("metadata");
    boolean owned = false;
    for (JsonNode ref : metadata.path("ownerReferences")) {
      owned |= ownerUid.equals(ref.path("uid").asText());
    }
    if (!owned) {
      return;
    }
    String path =
        base
            + (resource.namespaced()
                ? "namespaces/" + metadata.path("namespace").asText() + "/"
                : "")
            + resource.plural()
            + "/"
            + metadata.path("name").asText();
    String uid = metadata.path("uid").asText();
    if (crud.handleDelete(path).code() < 300) {
      LOG.fine(() -> "garbage-collected " + path + " (owner uid " + ownerUid + ")");
      if (!uid.isEmpty()) {
        deleteDependentsOf(uid);
      }
    }
  }

  private JsonNode read(MockResponse response) {
    if (response.code() != 200) {
      return null;
    }
    try {
      return json.readTree(response.getBody().readUtf8());
    } catch (JsonProcessingException e) {
      LOG.warning("mock answered non-JSON, skipping garbage collection there: " + e);
      return null;
    }
  }
}
