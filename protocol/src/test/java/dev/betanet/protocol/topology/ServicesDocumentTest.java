package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServicesDocumentTest {

  @Test
  void readsNamesAndBackends() {
    assertThat(
            ServicesDocument.parse(
                    "{\"echo.fog\": {\"backend\": \"http://echo:8080\"},"
                        + " \"abc.fog\": {\"backend\": \"http://10.0.0.1:80/base\"}}")
                .backends())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("echo.fog", "http://echo:8080", "abc.fog", "http://10.0.0.1:80/base"));
  }

  @Test
  void whatTheOperatorWritesTheRouterReadsBack() {
    var written = new ServicesDocument(Map.of("a.fog", "http://a:1", "echo.fog", "http://e:8080"));
    assertThat(ServicesDocument.parse(written.toJson())).isEqualTo(written);
  }

  @Test
  void refusesAServiceWithoutAnHttpBackend() {
    assertThatThrownBy(() -> ServicesDocument.parse("{\"echo.fog\": {}}"))
        .hasMessageContaining("service echo.fog has no \"backend\"");
    assertThatThrownBy(() -> ServicesDocument.parse("{\"echo.fog\": {\"backend\": \"ftp://x\"}}"))
        .hasMessageContaining("http://host:port");
    assertThatThrownBy(() -> ServicesDocument.parse("{\"e.fog\": {\"backend\": \"http://a b\"}}"))
        .hasMessageContaining("http://host:port");
    assertThatThrownBy(() -> ServicesDocument.parse("[1]"))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> ServicesDocument.parse("{")).hasMessageContaining("not a JSON object");
  }

  @Test
  void readsDeclaredTcpPortsAndWritesThemBack() {
    var parsed =
        ServicesDocument.parse(
            "{\"echo.fog\": {\"backend\": \"http://echo:8080\", \"ports\": [{\"port\": 22,"
                + " \"backend\": \"tcp://ssh:22\"}, {\"port\": 5432, \"backend\":"
                + " \"tcp://10.0.0.2:5432\"}]}}");
    assertThat(parsed.tcpPorts())
        .containsExactlyEntriesOf(
            Map.of("echo.fog", Map.of(22, "tcp://ssh:22", 5432, "tcp://10.0.0.2:5432")));
    assertThat(ServicesDocument.parse(parsed.toJson())).isEqualTo(parsed);
  }

  @Test
  void refusesMalformedPortsNamingTheService() {
    String head = "{\"e.fog\": {\"backend\": \"http://e:1\", \"ports\": ";
    assertThatThrownBy(() -> ServicesDocument.parse(head + "{}}}"))
        .hasMessageContaining("service e.fog: \"ports\" is not a list");
    assertThatThrownBy(
            () -> ServicesDocument.parse(head + "[{\"port\": 0, \"backend\": \"tcp://a:1\"}]}}"))
        .hasMessageContaining("port must be an integer 1..65535");
    assertThatThrownBy(
            () -> ServicesDocument.parse(head + "[{\"port\": 22, \"backend\": \"http://a:22\"}]}}"))
        .hasMessageContaining("service e.fog port 22: backend must be tcp://host:port");
    assertThatThrownBy(
            () ->
                ServicesDocument.parse(
                    head
                        + "[{\"port\": 22, \"backend\": \"tcp://a:22\"},"
                        + " {\"port\": 22, \"backend\": \"tcp://b:22\"}]}}"))
        .hasMessageContaining("declares port 22 twice");
    assertThatThrownBy(
            () ->
                ServicesDocument.parse(
                    head + "[{\"port\": 22, \"backend\": \"tcp://a:22\", \"tls\": true}]}}"))
        .hasMessageContaining("unknown field \"tls\"");
    assertThatThrownBy(
            () -> ServicesDocument.parse("{\"e.fog\": {\"backend\": \"http://e:1\", \"x\": 1}}"))
        .hasMessageContaining("service e.fog has an unknown field \"x\"");
  }
}
