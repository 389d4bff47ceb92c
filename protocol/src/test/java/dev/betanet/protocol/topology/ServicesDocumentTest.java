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
}
