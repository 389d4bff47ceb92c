package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for the HTTP messages the routers exchange inside the mixnet and the tunnel ({@link
 * HttpMessages}): the exit decodes requests from any entry, the entry decodes responses from any
 * exit. The contract: only a {@link MessageException}; a message is accepted if and only if an
 * independent reading of the format in the class comment accepts it (every length within what is
 * left, nothing after the body); an accepted message has exactly the fields that reading gives, and
 * encodes back to the very same bytes whenever its strings are valid UTF-8 (otherwise the decoder
 * replaced the bad sequences, and the re-encoded message decodes to the same fields).
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/router/wire/HttpMessagesFuzzTestInputs}.
 */
class HttpMessagesFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void decodesAnyRequest(byte[] input) {
    Model model = Model.read(input, true);
    HttpMessages.Request request;
    try {
      request = HttpMessages.decodeRequest(input);
    } catch (MessageException e) {
      assertThat(model).as("refused: %s", e.getMessage()).isNull();
      return;
    }
    assertThat(model).as("accepted what the format refuses").isNotNull();
    assertThat(request.method()).isEqualTo(model.text(0));
    assertThat(request.host()).isEqualTo(model.text(1));
    assertThat(request.path()).isEqualTo(model.text(2));
    assertThat(request.headers()).isEqualTo(model.headers());
    assertThat(request.body()).isEqualTo(model.body);
    reencodes(input, model, () -> HttpMessages.encode(request));
  }

  @FuzzTest(maxDuration = "60s")
  void decodesAnyResponse(byte[] input) {
    Model model = Model.read(input, false);
    HttpMessages.Response response;
    try {
      response = HttpMessages.decodeResponse(input);
    } catch (MessageException e) {
      assertThat(model).as("refused: %s", e.getMessage()).isNull();
      return;
    }
    assertThat(model).as("accepted what the format refuses").isNotNull();
    assertThat(response.status()).isEqualTo(model.status);
    assertThat(response.headers()).isEqualTo(model.headers());
    assertThat(response.body()).isEqualTo(model.body);
    reencodes(input, model, () -> HttpMessages.encode(response));
  }

  /** Messages built from fuzz fields (what a router encodes) decode to exactly those fields. */
  @FuzzTest(maxDuration = "60s")
  void roundTripsAnyMessage(FuzzedDataProvider data) throws MessageException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      headers.add(Map.entry(text(data), text(data)));
    }
    if (data.consumeBoolean()) {
      int status = data.consumeInt(0, 0xFFFF);
      var response = new HttpMessages.Response(status, headers, data.consumeRemainingAsBytes());
      assertThat(sameResponse(HttpMessages.decodeResponse(HttpMessages.encode(response)), response))
          .isTrue();
    } else {
      var request =
          new HttpMessages.Request(
              text(data), text(data), text(data), headers, data.consumeRemainingAsBytes());
      assertThat(sameRequest(HttpMessages.decodeRequest(HttpMessages.encode(request)), request))
          .isTrue();
    }
  }

  /**
   * The bytes again when every string was valid UTF-8; otherwise a message with the same fields,
   * unless a string with replaced bytes no longer fits its 16-bit length (each bad byte became a
   * three-byte U+FFFD), which the encoder refuses with IllegalArgumentException.
   */
  private static void reencodes(
      byte[] input, Model model, java.util.function.Supplier<byte[]> encode) {
    if (model.allValidUtf8) {
      assertThat(encode.get()).isEqualTo(input);
      return;
    }
    if (model.longestReencodedString() > 0xFFFF) {
      assertThatIllegalArgumentException().isThrownBy(encode::get);
      return;
    }
    byte[] again = encode.get();
    assertThat(Model.read(again, model.request).texts).isEqualTo(model.texts);
  }

  private static boolean sameRequest(HttpMessages.Request a, HttpMessages.Request b) {
    return a.method().equals(b.method())
        && a.host().equals(b.host())
        && a.path().equals(b.path())
        && a.headers().equals(b.headers())
        && java.util.Arrays.equals(a.body(), b.body());
  }

  private static boolean sameResponse(HttpMessages.Response a, HttpMessages.Response b) {
    return a.status() == b.status()
        && a.headers().equals(b.headers())
        && java.util.Arrays.equals(a.body(), b.body());
  }

  /** A string as a router holds one: what UTF-8 can carry (no lone surrogates), under 64 KiB. */
  private static String text(FuzzedDataProvider data) {
    String s = data.consumeString(64);
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  /**
   * The format read independently of the class under test: string fields as raw bytes, then
   * decoded; null when the bytes are not one message.
   */
  private static final class Model {
    final boolean request;
    final List<String> texts = new ArrayList<>();
    int status;
    byte[] body;
    boolean allValidUtf8 = true;
    int fixedTexts;

    private Model(boolean request) {
      this.request = request;
    }

    static Model read(byte[] bytes, boolean request) {
      Model model = new Model(request);
      int[] at = {0};
      if (!has(bytes, at[0], 1) || bytes[at[0]++] != 1) {
        return null;
      }
      if (request) {
        for (int i = 0; i < 3; i++) {
          if (!model.string(bytes, at)) {
            return null;
          }
        }
        model.fixedTexts = 3;
      } else {
        if (!has(bytes, at[0], 2)) {
          return null;
        }
        model.status = ((bytes[at[0]] & 0xFF) << 8) | (bytes[at[0] + 1] & 0xFF);
        at[0] += 2;
      }
      if (!has(bytes, at[0], 2)) {
        return null;
      }
      int headers = ((bytes[at[0]] & 0xFF) << 8) | (bytes[at[0] + 1] & 0xFF);
      at[0] += 2;
      for (int i = 0; i < 2 * headers; i++) {
        if (!model.string(bytes, at)) {
          return null;
        }
      }
      if (!has(bytes, at[0], 4)) {
        return null;
      }
      long length = ByteBuffer.wrap(bytes, at[0], 4).getInt() & 0xFFFFFFFFL;
      at[0] += 4;
      if (bytes.length - at[0] != length) {
        return null; // short, or bytes after the body
      }
      model.body = java.util.Arrays.copyOfRange(bytes, at[0], bytes.length);
      return model;
    }

    private boolean string(byte[] bytes, int[] at) {
      if (!has(bytes, at[0], 2)) {
        return false;
      }
      int length = ((bytes[at[0]] & 0xFF) << 8) | (bytes[at[0] + 1] & 0xFF);
      at[0] += 2;
      if (!has(bytes, at[0], length)) {
        return false;
      }
      byte[] raw = java.util.Arrays.copyOfRange(bytes, at[0], at[0] + length);
      at[0] += length;
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(raw));
      } catch (CharacterCodingException e) {
        allValidUtf8 = false;
      }
      texts.add(new String(raw, StandardCharsets.UTF_8));
      return true;
    }

    private static boolean has(byte[] bytes, int at, int n) {
      return bytes.length - at >= n;
    }

    String text(int i) {
      return texts.get(i);
    }

    List<Map.Entry<String, String>> headers() {
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (int i = fixedTexts; i < texts.size(); i += 2) {
        headers.add(Map.entry(texts.get(i), texts.get(i + 1)));
      }
      return headers;
    }

    int longestReencodedString() {
      return texts.stream()
          .mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length)
          .max()
          .orElse(0);
    }
  }
}
