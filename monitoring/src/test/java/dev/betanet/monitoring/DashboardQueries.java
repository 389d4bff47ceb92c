package dev.betanet.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL in the Grafana dashboard: panel targets and template-variable queries. */
final class DashboardQueries {

  /** {@code label_values(<selector>, <label>)}: a Grafana function around a series selector. */
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)");

  private DashboardQueries() {}

  /** Every panel target's {@code expr}, rows' nested panels included. */
  static List<String> panelExpressions() {
    List<String> out = new ArrayList<>();
    collect(MonitoringFiles.json(MonitoringFiles.DASHBOARD).path("panels"), out);
    return out;
  }

  /** The series selectors inside the template variables' {@code label_values(...)} queries. */
  static List<String> variableSelectors() {
    List<String> out = new ArrayList<>();
    for (JsonNode variable :
        MonitoringFiles.json(MonitoringFiles.DASHBOARD).path("templating").path("list")) {
      if (!"query".equals(variable.path("type").asText())) {
        continue;
      }
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      Matcher m = LABEL_VALUES.matcher(text);
      if (!m.matches()) {
        throw new AssertionError("dashboard variable query is not label_values(...): " + text);
      }
      out.add(m.group(1));
    }
    return out;
  }

  /** The expression as Prometheus sees it once Grafana has filled in the variables. */
  static String withVariables(String expr) {
    return expr.replace("$__rate_interval", "5m").replaceAll("\\$\\{?[a-zA-Z_]+\\}?", ".*");
  }

  private static void collect(JsonNode panels, List<String> out) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (expr.isBlank()) {
          throw new AssertionError("panel '" + panel.path("title").asText() + "' has no expr");
        }
        out.add(expr);
      }
      collect(panel.path("panels"), out);
    }
  }
}
