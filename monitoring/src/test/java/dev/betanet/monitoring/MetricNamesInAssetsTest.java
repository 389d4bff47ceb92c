package dev.betanet.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules and the dashboard query is one the services export, as named in
 * {@code MetricNames}: renaming a metric there (or here) without the other breaks the build instead
 * of leaving an alert that can never fire or a panel that stays empty.
 */
class MetricNamesInAssetsTest {

  @Test
  void everyMetricTheAlertRulesQueryIsDefinedInMetricNames() {
    Map<String, Set<String>> used = new TreeMap<>();
    for (JsonNode alert : AlertRulesTest.alerts()) {
      used.put(alert.path("alert").asText(), PromQlMetrics.in(alert.path("expr").asText()));
    }
    assertDefined("alert", used);
  }

  @Test
  void everyMetricTheDashboardQueriesIsDefinedInMetricNames() {
    Map<String, Set<String>> used = new TreeMap<>();
    for (String expr : DashboardQueries.panelExpressions()) {
      used.put(expr, PromQlMetrics.in(expr));
    }
    for (String selector : DashboardQueries.variableSelectors()) {
      used.put(selector, PromQlMetrics.in(selector));
    }
    assertDefined("dashboard query", used);
  }

  @Test
  void findsMetricNamesAndNothingElseInPromQl() {
    assertThat(
            PromQlMetrics.in(
                "histogram_quantile(0.95, sum by (transport, le) (rate("
                    + "betanet_router_request_seconds_bucket{transport=\"mixnet\",job=~\"betanet_x\"}"
                    + "[$__rate_interval]))) > 2 and on (cluster) absent(up{job=\"a\"} == 1)"
                    + " unless max_over_time(node_load1[5m]) > 1"))
        .containsExactlyInAnyOrder("betanet_router_request_seconds_bucket", "up", "node_load1");
  }

  @Test
  void exportedNamesCarryPrometheusSuffixes() {
    assertThat(PromQlMetrics.exported())
        .contains(
            "betanet_router_requests_total",
            "betanet_router_request_seconds_bucket",
            "betanet_router_request_seconds_count",
            "betanet_router_request_seconds_sum",
            "betanet_mixnode_pool_packets")
        .doesNotContain("betanet_router_requests", "betanet_mixnode_pool_packets_total");
  }

  private static void assertDefined(String what, Map<String, Set<String>> usedBy) {
    Set<String> exported = PromQlMetrics.exported();
    Map<String, Set<String>> unknown = new TreeMap<>();
    Set<String> all = new TreeSet<>();
    usedBy.forEach(
        (user, names) -> {
          all.addAll(names);
          for (String name : names) {
            if (!exported.contains(name) && !PromQlMetrics.PROMETHEUS_OWN.contains(name)) {
              unknown.computeIfAbsent(name, n -> new TreeSet<>()).add(user);
            }
          }
        });
    assertThat(all).as("metric names found in every " + what).isNotEmpty();
    assertThat(unknown)
        .as(
            "metric names no MetricNames constant exports (%s → where used); add the constant or"
                + " fix the name",
            what)
        .isEmpty();
  }
}
