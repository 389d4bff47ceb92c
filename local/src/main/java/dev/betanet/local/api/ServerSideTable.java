package dev.betanet.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code meta.k8s.io/v1 Table} a Kubernetes API server returns for a custom resource when
 * kubectl asks for one ({@code Accept: ...;as=Table}): a Name column, then the CRD's {@code
 * additionalPrinterColumns} evaluated against each object. The mock does not serve tables, so
 * without this {@code kubectl get mxc} shows only NAME and AGE.
 *
 * <p>JSON paths: the forms printer columns use, {@code .a.b} and {@code .a[?(@.k=="v")].b}; a path
 * that finds nothing gives an empty cell, as the API server does. Date columns show the age, as
 * kubectl prints it.
 */
final class ServerSideTable {

  /** One printer column of a CRD version. */
  record Column(String name, String type, String jsonPath, String description, int priority) {}

  private static final Pattern FILTER =
      Pattern.compile("^([^\\[]*)\\[\\?\\(@\\.([\\w.-]+)==[\"']([^\"']*)[\"']\\)\\]$");

  private final ObjectMapper json;
  private final List<Column> columns;

  ServerSideTable(ObjectMapper json, List<Column> columns) {
    this.json = json;
    this.columns = List.copyOf(columns);
  }

  /**
   * The printer columns of {@code plural.group}, version {@code version}, from a CRD list document;
   * empty when the CRD is not there or declares none.
   */
  static Optional<ServerSideTable> forResource(
      ObjectMapper json, JsonNode crdList, String group, String version, String plural) {
    for (JsonNode crd : crdList.path("items")) {
      JsonNode spec = crd.path("spec");
      if (!group.equals(spec.path("group").asText())
          || !plural.equals(spec.path("names").path("plural").asText())) {
        continue;
      }
      for (JsonNode v : spec.path("versions")) {
        if (!version.equals(v.path("name").asText())) {
          continue;
        }
        List<Column> columns = new ArrayList<>();
        for (JsonNode c : v.path("additionalPrinterColumns")) {
          columns.add(
              new Column(
                  c.path("name").asText(),
                  c.path("type").asText("string"),
                  c.path("jsonPath").asText(),
                  c.path("description").asText(""),
                  c.path("priority").asInt(0)));
        }
        return columns.isEmpty()
            ? Optional.empty()
            : Optional.of(new ServerSideTable(json, columns));
      }
    }
    return Optional.empty();
  }

  /** A table of {@code objects} (each with kind and apiVersion), at {@code resourceVersion}. */
  ObjectNode table(List<JsonNode> objects, String resourceVersion, Instant now) {
    ObjectNode table = json.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions
        .addObject()
        .put("name", "Name")
        .put("type", "string")
        .put("format", "name")
        .put("description", "Name of the object")
        .put("priority", 0);
    for (Column column : columns) {
      definitions
          .addObject()
          .put("name", column.name())
          .put("type", column.type())
          .put("format", "")
          .put("description", column.description())
          .put("priority", column.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(object.path("metadata").path("name").asText());
      for (Column column : columns) {
        cells.add(cell(column, object, now));
      }
      row.set("object", object);
    }
    return table;
  }

  private JsonNode cell(Column column, JsonNode object, Instant now) {
    JsonNode value = evaluate(object, column.jsonPath());
    if (value == null || value.isNull()) {
      return json.nullNode();
    }
    if ("date".equals(column.type()) && value.isTextual()) {
      try {
        return json.getNodeFactory()
            .textNode(age(Duration.between(Instant.parse(value.asText()), now)));
      } catch (DateTimeParseException e) {
        return value;
      }
    }
    return value;
  }

  /** {@code path} in the forms printer columns use; null when it finds nothing. */
  static JsonNode evaluate(JsonNode object, String path) {
    JsonNode current = object;
    for (String step : steps(path)) {
      Matcher filter = FILTER.matcher(step);
      if (filter.matches()) {
        JsonNode array = filter.group(1).isEmpty() ? current : current.path(filter.group(1));
        current = null;
        for (JsonNode element : array) {
          if (filter.group(3).equals(element.path(filter.group(2)).asText(null))) {
            current = element;
            break;
          }
        }
        if (current == null) {
          return null;
        }
      } else {
        current = current.path(step);
      }
      if (current.isMissingNode()) {
        return null;
      }
    }
    return current;
  }

  /** The dot-separated steps of a path, keeping dots inside a filter's brackets. */
  private static List<String> steps(String path) {
    List<String> steps = new ArrayList<>();
    StringBuilder step = new StringBuilder();
    int depth = 0;
    for (char c : path.toCharArray()) {
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
      if (c == '.' && depth == 0) {
        if (!step.isEmpty()) {
          steps.add(step.toString());
        }
        step.setLength(0);
      } else {
        step.append(c);
      }
    }
    if (!step.isEmpty()) {
      steps.add(step.toString());
    }
    return steps;
  }

  /** An age as kubectl prints it: 45s, 5m3s, 58m, 3h4m, 30h, 5d2h, 40d, 2y10d. */
  static String age(Duration elapsed) {
    long seconds = elapsed.toSeconds();
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      return hours % 24 == 0 ? hours / 24 + "d" : hours / 24 + "d" + hours % 24 + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    long days = hours / 24 % 365;
    if (hours < 24 * 365 * 8) {
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
