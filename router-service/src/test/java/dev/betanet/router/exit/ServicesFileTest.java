package dev.betanet.router.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServicesFileTest {

  @Test
  void readsNamesAndBackends() {
    assertThat(
            ServicesFile.parse(
                "{\"echo.fog\": {\"backend\": \"http://echo:8080\"},"
                    + " \"abc.fog\": {\"backend\": \"http://10.0.0.1:80/base\"}}"))
        .containsEntry("echo.fog", "http://echo:8080")
        .containsEntry("abc.fog", "http://10.0.0.1:80/base");
  }

  @Test
  void refusesAServiceWithoutAnHttpBackend() {
    assertThatThrownBy(() -> ServicesFile.parse("{\"echo.fog\": {}}"))
        .hasMessageContaining("no \"backend\"");
    assertThatThrownBy(() -> ServicesFile.parse("{\"echo.fog\": {\"backend\": \"ftp://x\"}}"))
        .hasMessageContaining("http://host:port");
    assertThatThrownBy(() -> ServicesFile.parse("[1]")).hasMessageContaining("not a JSON object");
  }
}
