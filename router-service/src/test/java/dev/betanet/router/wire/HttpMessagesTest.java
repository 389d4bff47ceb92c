package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpMessagesTest {

  private static final HttpMessages.Request REQUEST =
      new HttpMessages.Request(
          "POST",
          "echo.fog",
          "/päth?q=1",
          List.of(Map.entry("Accept", "*/*"), Map.entry("X-Two", "a"), Map.entry("X-Two", "b")),
          "body ✓".getBytes(StandardCharsets.UTF_8));

  @Test
  void roundTripsARequestWithRepeatedHeadersAndUtf8() throws Exception {
    HttpMessages.Request decoded = HttpMessages.decodeRequest(HttpMessages.encode(REQUEST));

    assertThat(decoded.method()).isEqualTo("POST");
    assertThat(decoded.host()).isEqualTo("echo.fog");
    assertThat(decoded.path()).isEqualTo("/päth?q=1");
    assertThat(decoded.headers()).isEqualTo(REQUEST.headers());
    assertThat(decoded.body()).isEqualTo(REQUEST.body());
  }

  @Test
  void roundTripsAResponseWithAnEmptyBody() throws Exception {
    var response = new HttpMessages.Response(204, List.of(Map.entry("X-A", "1")), new byte[0]);

    HttpMessages.Response decoded = HttpMessages.decodeResponse(HttpMessages.encode(response));

    assertThat(decoded.status()).isEqualTo(204);
    assertThat(decoded.headers()).isEqualTo(response.headers());
    assertThat(decoded.body()).isEmpty();
  }

  @Test
  void rejectsATruncatedMessage() {
    byte[] bytes = HttpMessages.encode(REQUEST);

    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> HttpMessages.decodeRequest(truncated))
          .isInstanceOf(MessageException.class);
    }
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] bytes =
        Arrays.copyOf(HttpMessages.encode(REQUEST), HttpMessages.encode(REQUEST).length + 1);

    assertThatThrownBy(() -> HttpMessages.decodeRequest(bytes))
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("1 unexpected bytes");
  }

  @Test
  void rejectsAnUnknownVersion() {
    byte[] bytes = HttpMessages.encode(REQUEST);
    bytes[0] = 9;

    assertThatThrownBy(() -> HttpMessages.decodeRequest(bytes))
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("version 9");
  }

  @Test
  void rejectsABodyLengthPastTheEnd() {
    var response = new HttpMessages.Response(200, List.of(), new byte[] {1, 2, 3});
    byte[] bytes = HttpMessages.encode(response);
    bytes[bytes.length - 7] =
        1; // the body length field (before the 3 body bytes) now says 2^24 + 3

    assertThatThrownBy(() -> HttpMessages.decodeResponse(bytes))
        .isInstanceOf(MessageException.class)
        .hasMessageContaining("truncated");
  }
}
