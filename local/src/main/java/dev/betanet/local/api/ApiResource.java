package dev.betanet.local.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One entry of a discovery resource list ({@code /api/v1}, {@code /apis/<group>/<version>}). */
record ApiResource(
    String plural, String kind, boolean namespaced, List<String> shortNames, boolean status) {

  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** The discovery entries: the resource itself and, when enabled, its status subresource. */
  List<Map<String, Object>> toDiscovery() {
    Map<String, Object> main = new LinkedHashMap<>();
    main.put("name", plural);
    main.put("singularName", kind.toLowerCase(java.util.Locale.ROOT));
    main.put("namespaced", namespaced);
    main.put("kind", kind);
    main.put("verbs", VERBS);
    if (!shortNames.isEmpty()) {
      main.put("shortNames", shortNames);
    }
    if (!status) {
      return List.of(main);
    }
    Map<String, Object> sub = new LinkedHashMap<>();
    sub.put("name", plural + "/status");
    sub.put("singularName", "");
    sub.put("namespaced", namespaced);
    sub.put("kind", kind);
    sub.put("verbs", List.of("get", "patch", "update"));
    return List.of(main, sub);
  }
}
