package dev.betanet.operator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} and reads every object strictly into its
 * Fabric8 model class. Fabric8's models keep unknown fields in {@code additionalProperties} (an
 * any-setter), which would let a typo through; here the any-setter is switched off and unknown
 * properties fail, with the object and the field named.
 */
final class InstallManifests {

  /** apiVersion/kind → model class: a kind the install does not use is a failure too. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class,
          "rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class,
          "rbac.authorization.k8s.io/v1/Role", Role.class,
          "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class,
          "apps/v1/Deployment", Deployment.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final ObjectMapper STRICT =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setAnnotationIntrospector(
              new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                  return Boolean.FALSE;
                }
              });

  private InstallManifests() {}

  /** {@code kubectl kustomize <root>/<dir>}, every object parsed strictly. */
  static List<HasMetadata> render(Path root, String dir) throws IOException, InterruptedException {
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", root.resolve(dir).toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = kubectl.getInputStream().readAllBytes();
    String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kubectl.waitFor(60, TimeUnit.SECONDS)) {
      kubectl.destroyForcibly();
      throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60s");
    }
    if (kubectl.exitValue() != 0) {
      throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
    }
    return parse(new String(out, StandardCharsets.UTF_8));
  }

  /** Every document of {@code yaml} as its model class. */
  static List<HasMetadata> parse(String yaml) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    try (var documents = STRICT.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        String name = document.path("metadata").path("name").asText();
        Class<? extends HasMetadata> model = KINDS.get(type);
        if (model == null) {
          throw new IllegalArgumentException(type + " " + name + ": not a kind the install uses");
        }
        try {
          objects.add(STRICT.treeToValue(document, model));
        } catch (UnrecognizedPropertyException e) {
          throw new IllegalArgumentException(
              type
                  + " "
                  + name
                  + ": unknown field \""
                  + e.getPropertyName()
                  + "\" at "
                  + e.getPathReference(),
              e);
        }
      }
    }
    return objects;
  }
}
