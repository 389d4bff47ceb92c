package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One screen about one MixnetCluster, from its JSON as the API server returns it: conditions, the
 * canary, the nodes and the epochs. Pure (the time is given), so a status maps to exactly the lines
 * a user sees. Whatever the status lacks is shown as "—".
 */
final class StatusScreen {

  private static final int LABEL_WIDTH = 20;

  private final JsonNode cluster;
  private final Instant now;
  private final List<String> lines = new ArrayList<>();

  private StatusScreen(JsonNode cluster, Instant now) {
    this.cluster = cluster;
    this.now = now;
  }

  static List<String> render(JsonNode cluster, Instant now) {
    StatusScreen screen = new StatusScreen(cluster, now);
    screen.header();
    screen.conditions();
    screen.canary();
    screen.nodes();
    screen.epochs();
    return List.copyOf(screen.lines);
  }

  private void header() {
    JsonNode status = Fields.at(cluster, "status");
    lines.add(
        "MixnetCluster "
            + Fields.textOrAbsent(cluster, "metadata", "namespace")
            + "/"
            + Fields.textOrAbsent(cluster, "metadata", "name")
            + "  (generation "
            + Fields.textOrAbsent(cluster, "metadata", "generation")
            + ", status of generation "
            + Fields.textOrAbsent(status, "observedGeneration")
            + ")");
    if (!status.isObject()) {
      lines.add("No status yet: the operator has not reported on this cluster (is it running?).");
    }
    row(0, "Phase", Fields.textOrAbsent(status, "phase"));
  }

  private void conditions() {
    JsonNode conditions = Fields.at(cluster, "status", "conditions");
    if (!conditions.isArray() || conditions.isEmpty()) {
      row(0, "Conditions", Fields.ABSENT);
      return;
    }
    lines.add("Conditions:");
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"TYPE", "STATUS", "REASON", "AGE", "MESSAGE"});
    for (JsonNode condition : conditions) {
      table.add(
          new String[] {
            Fields.textOrAbsent(condition, "type"),
            Fields.textOrAbsent(condition, "status"),
            Fields.textOrAbsent(condition, "reason"),
            Words.ageOf(Fields.text(condition, "lastTransitionTime"), now),
            Fields.textOrAbsent(condition, "message")
          });
    }
    int[] widths = new int[5];
    for (String[] row : table) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : table) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.length - 1; i++) {
        line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
      }
      lines.add(line.append(row[row.length - 1]).toString().stripTrailing());
    }
  }

  private void canary() {
    JsonNode canary = Fields.at(cluster, "status", "canary");
    JsonNode spec = Fields.at(cluster, "spec", "canary");
    if (!canary.isObject()) {
      row(0, "Canary", Fields.ABSENT);
    } else {
      row(
          0,
          "Canary",
          Fields.textOrAbsent(canary, "phase")
              + ", step "
              + Fields.textOrAbsent(canary, "currentStep")
              + " of "
              + Fields.textOrAbsent(canary, "totalSteps"));
      row(
          1,
          "weight",
          weight(Fields.whole(canary, "currentWeight"))
              + " in force, "
              + weight(Fields.whole(canary, "desiredWeight"))
              + " desired, "
              + weight(Fields.whole(canary, "lastGoodWeight"))
              + " last good");
    }
    row(1, "spec", specLine(spec));
    if (!canary.isObject()) {
      return;
    }
    row(1, "step started", ago(Fields.at(canary, "stepStartedAt")));
    JsonNode window = Fields.at(canary, "window");
    if (window.isObject()) {
      JsonNode routers = Fields.at(window, "routers");
      row(
          1,
          "window",
          "since "
              + ago(Fields.at(window, "startedAt"))
              + ", weight "
              + weight(Fields.whole(window, "weight"))
              + ", counting "
              + (routers.isArray()
                  ? routers.size() + (routers.size() == 1 ? " router" : " routers")
                  : Fields.ABSENT + " routers"));
    }
    row(1, "message", Fields.textOrAbsent(canary, "message"));
    analysis(Fields.at(canary, "lastAnalysis"), Fields.at(spec, "analysis"));
  }

  private void analysis(JsonNode analysis, JsonNode limits) {
    if (!analysis.isObject()) {
      row(1, "last analysis", Fields.ABSENT);
      return;
    }
    row(
        1,
        "last analysis",
        ago(Fields.at(analysis, "time"))
            + ", weight "
            + weight(Fields.whole(analysis, "weight"))
            + ", window "
            + window(analysis)
            + ", "
            + Fields.textOrAbsent(analysis, "routersAnswered")
            + " of "
            + Fields.textOrAbsent(analysis, "routersTotal")
            + " routers answered");
    String reason = Fields.text(analysis, "reason").orElse(null);
    row(2, "mixnet", AnalysisWords.judged(Fields.at(analysis, "mixnet"), reason, limits));
    row(2, "fallback", AnalysisWords.measured(Fields.at(analysis, "fallback")));
    JsonNode unreachable = Fields.at(analysis, "unreachable");
    if (unreachable.isArray() && !unreachable.isEmpty()) {
      List<String> routers = new ArrayList<>();
      unreachable.forEach(router -> routers.add(router.asText()));
      row(2, "unreachable", String.join("; ", routers));
    }
    row(2, "operator says", Fields.textOrAbsent(analysis, "message"));
  }

  private static String specLine(JsonNode spec) {
    JsonNode steps = Fields.at(spec, "steps");
    List<String> walk = new ArrayList<>();
    if (steps.isArray()) {
      steps.forEach(step -> walk.add(step.asText()));
    }
    return "weight "
        + weight(Fields.whole(spec, "weight"))
        + ", steps "
        + (walk.isEmpty() ? "none" : String.join(" → ", walk))
        + ", every "
        + Fields.textOrAbsent(spec, "stepInterval")
        + ", paused "
        + yesNo(spec, "paused")
        + ", promote "
        + yesNo(spec, "promote");
  }

  private void nodes() {
    JsonNode status = Fields.at(cluster, "status");
    JsonNode mixnodes = Fields.at(cluster, "spec", "mixnodes");
    lines.add("Nodes:");
    row(
        1,
        "mixnodes",
        readyOf(status, "readyMixnodes", "desiredMixnodes")
            + ", "
            + Fields.textOrAbsent(mixnodes, "layers")
            + " layers of "
            + Fields.textOrAbsent(mixnodes, "nodesPerLayer"));
    row(1, "routers", readyOf(status, "readyRouters", "desiredRouters"));
  }

  private void epochs() {
    JsonNode status = Fields.at(cluster, "status");
    lines.add("Epochs:");
    row(1, "topology", Fields.textOrAbsent(status, "topologyEpoch"));
    row(
        1,
        "keys",
        Fields.textOrAbsent(status, "keyEpoch")
            + ", rotated "
            + ago(Fields.at(status, "keysRotatedAt")));
  }

  private static String readyOf(JsonNode status, String ready, String desired) {
    return Fields.textOrAbsent(status, ready)
        + " of "
        + Fields.textOrAbsent(status, desired)
        + " ready";
  }

  /** How long the judged counts ran: from the window's start to the analysis. */
  private static String window(JsonNode analysis) {
    var start = Fields.text(analysis, "windowStartedAt").flatMap(Words::parseTime);
    var end = Fields.text(analysis, "time").flatMap(Words::parseTime);
    if (start.isEmpty() || end.isEmpty()) {
      return Fields.ABSENT;
    }
    return Words.age(start.get(), end.get());
  }

  private String ago(JsonNode time) {
    String age = Words.ageOf(Fields.text(time), now);
    return age.equals(Fields.ABSENT) ? age : age + " ago";
  }

  private static String weight(OptionalLong percent) {
    return percent.isPresent() ? Words.weight(percent.getAsLong()) : Fields.ABSENT;
  }

  private static String yesNo(JsonNode node, String field) {
    return Fields.flag(node, field).map(on -> on ? "yes" : "no").orElse(Fields.ABSENT);
  }

  private void row(int indent, String label, String value) {
    String head = "  ".repeat(indent) + label + ":";
    int width = Math.max(LABEL_WIDTH, head.length() + 1);
    lines.add(head + " ".repeat(width - head.length()) + value);
  }
}
