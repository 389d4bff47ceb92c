package dev.betanet.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerSideTableTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void agesReadAsKubectlPrintsThem() {
    assertThat(ServerSideTable.age(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(ServerSideTable.age(Duration.ofSeconds(303))).isEqualTo("5m3s");
    assertThat(ServerSideTable.age(Duration.ofMinutes(58))).isEqualTo("58m");
    assertThat(ServerSideTable.age(Duration.ofMinutes(184))).isEqualTo("3h4m");
    assertThat(ServerSideTable.age(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(ServerSideTable.age(Duration.ofHours(122))).isEqualTo("5d2h");
    assertThat(ServerSideTable.age(Duration.ofDays(40))).isEqualTo("40d");
    assertThat(ServerSideTable.age(Duration.ofDays(740))).isEqualTo("2y10d");
    assertThat(ServerSideTable.age(Duration.ofSeconds(-3))).isEqualTo("0s");
  }

  @Test
  void evaluatesThePathFormsPrinterColumnsUse() throws Exception {
    JsonNode object =
        json.readTree(
            """
            {"status": {"phase": "Running", "canaryWeight": 25,
              "conditions": [{"type": "Progressing", "status": "False"},
                             {"type": "Ready", "status": "True"}]}}
            """);

    assertThat(ServerSideTable.evaluate(object, ".status.phase").asText()).isEqualTo("Running");
    assertThat(ServerSideTable.evaluate(object, ".status.canaryWeight").asInt()).isEqualTo(25);
    assertThat(
            ServerSideTable.evaluate(object, ".status.conditions[?(@.type==\"Ready\")].status")
                .asText())
        .isEqualTo("True");
    assertThat(ServerSideTable.evaluate(object, ".status.conditions[?(@.type==\"Gone\")].status"))
        .isNull();
    assertThat(ServerSideTable.evaluate(object, ".status.routers")).isNull();
  }
}
