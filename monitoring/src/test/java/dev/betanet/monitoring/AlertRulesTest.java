package dev.betanet.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules in k8s/monitoring: valid for Prometheus, unit-tested by promtool (each alert
 * fires on a series that should fire it and stays silent otherwise), complete (severity, summary, a
 * description saying what to do), and the same in the plain rules file and the PrometheusRule.
 */
class AlertRulesTest {

  private static final Set<String> SEVERITIES = Set.of("warning", "critical");

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    String output =
        Tool.PROMTOOL.ok(
            MonitoringFiles.DIR, List.of("check", "rules", rel(MonitoringFiles.RULES)));
    assertThat(output).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  void promtoolUnitTestsOfTheRulesPass() throws Exception {
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    MonitoringFiles.promtoolTests().forEach(f -> args.add(rel(f)));
    assertThat(args).as("promtool test files in k8s/monitoring/tests").hasSizeGreaterThan(2);
    String output = Tool.PROMTOOL.ok(MonitoringFiles.DIR, args);
    assertThat(output).doesNotContain("FAILED");
  }

  @Test
  void everyAlertHasSeveritySummaryAndDescription() {
    for (JsonNode alert : alerts()) {
      String name = alert.path("alert").asText();
      assertThat(alert.path("labels").path("severity").asText())
          .as("%s: labels.severity", name)
          .isIn(SEVERITIES);
      assertThat(alert.path("annotations").path("summary").asText())
          .as("%s: annotations.summary", name)
          .isNotBlank();
      assertThat(alert.path("annotations").path("description").asText())
          .as("%s: annotations.description (what happened and what to do)", name)
          .hasSizeGreaterThan(120);
    }
  }

  /**
   * promtool only runs the cases it is given: this makes sure every alert has a case where it must
   * fire, and a case where it must stay silent evaluated no earlier than its first firing case (so
   * "silent" cannot just mean "still pending"), and that no case names an alert that is gone.
   */
  @Test
  void everyAlertIsTestedFiringAndSilent() {
    Map<String, Duration> firstFiring = new HashMap<>();
    Map<String, Duration> lastSilent = new HashMap<>();
    for (Path file : MonitoringFiles.promtoolTests()) {
      for (JsonNode group : MonitoringFiles.yaml(file).path("tests")) {
        for (JsonNode test : group.path("alert_rule_test")) {
          String name = test.path("alertname").asText();
          Duration at = promDuration(test.path("eval_time").asText());
          if (test.path("exp_alerts").isEmpty()) {
            lastSilent.merge(name, at, (a, b) -> a.compareTo(b) >= 0 ? a : b);
          } else {
            firstFiring.merge(name, at, (a, b) -> a.compareTo(b) <= 0 ? a : b);
          }
        }
      }
    }
    Set<String> names = new HashSet<>();
    alerts().forEach(a -> names.add(a.path("alert").asText()));
    assertThat(firstFiring.keySet()).as("alerts with a case in which they fire").containsAll(names);
    for (String name : names) {
      assertThat(lastSilent.get(name))
          .as("%s: a case in which it stays silent, at or after its first firing case", name)
          .isNotNull()
          .isGreaterThanOrEqualTo(firstFiring.get(name));
    }
    assertThat(names)
        .as("alerts the promtool tests name")
        .containsAll(firstFiring.keySet())
        .containsAll(lastSilent.keySet());
  }

  /** A promtool duration as the tests write it: {@code 25m}, {@code 26h}, {@code 1h30m}. */
  static Duration promDuration(String text) {
    Matcher m = Pattern.compile("(\\d+)([hms])").matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
              });
      end = m.end();
    }
    if (end != text.length() || text.isEmpty()) {
      throw new AssertionError("not a duration this check reads: '" + text + "'");
    }
    return total;
  }

  @Test
  void prometheusRuleHoldsTheSameGroupsAsTheRulesFile() {
    JsonNode rule = MonitoringFiles.yaml(MonitoringFiles.PROMETHEUS_RULE);
    assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(rule.path("spec").path("groups"))
        .as(
            "k8s/monitoring/prometheusrule.yaml differs from rules/betanet-alerts.yaml:"
                + " run k8s/monitoring/generate-prometheusrule")
        .isEqualTo(MonitoringFiles.yaml(MonitoringFiles.RULES).path("groups"));
  }

  /**
   * Grafana does not check its queries until someone opens the panel; promtool parses each of the
   * dashboard's PromQL expressions here, as recording rules with the dashboard variables filled.
   */
  @Test
  void promtoolParsesEveryDashboardQuery(@TempDir Path dir) throws Exception {
    List<String> queries = DashboardQueries.panelExpressions();
    assertThat(queries).hasSizeGreaterThan(15);
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      rules
          .append("      - record: dashboard:query_")
          .append(i)
          .append("\n        expr: ")
          .append(
              MonitoringFiles.JSON.writeValueAsString(
                  DashboardQueries.withVariables(queries.get(i))))
          .append('\n');
    }
    Path file = dir.resolve("dashboard-queries.yaml");
    Files.writeString(file, rules);
    String output = Tool.PROMTOOL.ok(dir, List.of("check", "rules", file.toString()));
    assertThat(output).contains("SUCCESS: " + queries.size() + " rules found");
  }

  static List<JsonNode> alerts() {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode group : MonitoringFiles.yaml(MonitoringFiles.RULES).path("groups")) {
      group.path("rules").forEach(alerts::add);
    }
    assertThat(alerts).as("alerts in " + MonitoringFiles.RULES).isNotEmpty();
    return alerts;
  }

  private static String rel(Path file) {
    return MonitoringFiles.DIR.relativize(file).toString();
  }
}
