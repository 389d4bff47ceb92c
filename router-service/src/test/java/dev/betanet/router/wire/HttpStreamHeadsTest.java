package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpStreamHeadsTest {

  @Test
  void onlyEndToEndHeadersAreCarriedAndTheBodyLengthIsOurs() {
    List<Map.Entry<String, String>> sent =
        List.of(
            Map.entry("Accept", "text/plain"),
            Map.entry("Connection", "keep-alive, X-Trace"),
            Map.entry("Keep-Alive", "timeout=5"),
            Map.entry("X-Trace", "hop-1"),
            Map.entry("connection", "X-Second"),
            Map.entry("X-Second", "also this hop's"),
            Map.entry("Transfer-Encoding", "chunked"),
            Map.entry(HttpStreamHeads.BODY_LENGTH_HEADER, "999"),
            Map.entry("ETag", "\"v1\""));

    assertThat(HttpStreamHeads.endToEnd(sent, 42))
        .containsExactly(
            Map.entry("Accept", "text/plain"),
            Map.entry("ETag", "\"v1\""),
            Map.entry(HttpStreamHeads.BODY_LENGTH_HEADER, "42"));
    assertThat(HttpStreamHeads.endToEnd(sent, -1))
        .as("a length not known is not said")
        .containsExactly(Map.entry("Accept", "text/plain"), Map.entry("ETag", "\"v1\""));
  }

  @Test
  void aHeadCutIntoOneBytePiecesIsReadWholeAndTheBodyAfterItIsPassedOn() throws Exception {
    Buffer head =
        HttpStreamHeads.request(
            "POST",
            "echo.fog",
            "/upload?x=1",
            List.of(Map.entry(HttpStreamHeads.BODY_LENGTH_HEADER, "3")));
    Buffer stream = head.copy().appendString("abc");
    var reader = new HttpStreamHeads.Reader();
    Buffer body = Buffer.buffer();
    for (int i = 0; i < stream.length(); i++) {
      body.appendBuffer(reader.feed(stream.slice(i, i + 1)));
    }

    HttpMessages.Request request = HttpMessages.decodeRequest(reader.head());
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/upload?x=1");
    assertThat(HttpStreamHeads.bodyLength(request.headers())).isEqualTo(3);
    assertThat(body.toString()).isEqualTo("abc");
    // In one piece: the body bytes that share a segment with the head's end are kept too.
    var whole = new HttpStreamHeads.Reader();
    assertThat(whole.feed(stream.copy()).toString()).isEqualTo("abc");
    assertThat(whole.head()).isEqualTo(reader.head());
  }

  @Test
  void aHeadDeclaringMoreThanTheBoundIsRefusedBeforeItIsRead() {
    var reader = new HttpStreamHeads.Reader();
    Buffer oversized = Buffer.buffer().appendInt(HttpStreamHeads.MAX_HEAD_BYTES + 1);

    assertThatThrownBy(() -> reader.feed(oversized)).isInstanceOf(MessageException.class);
    assertThatThrownBy(() -> new HttpStreamHeads.Reader().feed(Buffer.buffer().appendInt(-1)))
        .isInstanceOf(MessageException.class);
  }

  @Test
  void aBadBodyLengthIsRefusedAndAnAbsentOneIsUnknown() throws Exception {
    assertThat(HttpStreamHeads.bodyLength(List.of(Map.entry("Content-Type", "x")))).isEqualTo(-1);
    assertThatThrownBy(
            () ->
                HttpStreamHeads.bodyLength(
                    List.of(Map.entry(HttpStreamHeads.BODY_LENGTH_HEADER, "-5"))))
        .isInstanceOf(MessageException.class);
    assertThatThrownBy(
            () ->
                HttpStreamHeads.bodyLength(
                    List.of(Map.entry(HttpStreamHeads.BODY_LENGTH_HEADER, "lots"))))
        .isInstanceOf(MessageException.class);
  }
}
