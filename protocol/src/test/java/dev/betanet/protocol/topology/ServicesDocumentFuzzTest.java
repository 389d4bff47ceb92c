package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzz targets for {@code services.json} ({@link ServicesDocument}), which a router reads at start
 * from its ConfigMap (written by the operator, editable by whoever can edit the ConfigMap). The
 * contract: only an {@link IllegalArgumentException} naming what is wrong; an accepted document
 * maps every name to an {@code http://} URL with a host, and writes back ({@link
 * ServicesDocument#toJson}) to a document that reads the same.
 *
 * <p>Regression inputs: {@code
 * src/test/resources/dev/betanet/protocol/topology/ServicesDocumentFuzzTestInputs}.
 */
class ServicesDocumentFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void parsesAnyDocument(String json) {
    ServicesDocument document;
    try {
      document = ServicesDocument.parse(json);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    accepted(document);
  }

  /**
   * Documents made of fuzz names and backends built from URL pieces, as the operator writes them.
   */
  @FuzzTest(maxDuration = "60s")
  void readsBackWhatItWrites(FuzzedDataProvider data) {
    Map<String, String> backends = new LinkedHashMap<>();
    int n = data.consumeInt(0, 4);
    for (int i = 0; i < n; i++) {
      var backend = new StringBuilder();
      int pieces = data.consumeInt(0, 6);
      for (int p = 0; p < pieces; p++) {
        backend.append(data.pickValue(PIECES));
      }
      backends.put(
          data.consumeString(16),
          data.consumeBoolean() ? data.consumeString(32) : backend.toString());
    }
    ServicesDocument document;
    try {
      document = new ServicesDocument(backends);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("service ");
      return;
    }
    assertThat(document.backends()).isEqualTo(backends);
    accepted(document);
  }

  private static final String[] PIECES = {
    "http://",
    "https://",
    "HTTP://",
    "echo",
    "localhost",
    "[::1]",
    "[",
    ":",
    "8080",
    "99999",
    "/",
    "base",
    "?",
    "q=1",
    "#",
    "@",
    "user",
    "%",
    "%2F",
    " ",
    "-",
    ".",
    "_",
    "\u00e9"
  };

  private static void accepted(ServicesDocument document) {
    document
        .backends()
        .forEach(
            (name, backend) -> {
              URI uri = URI.create(backend);
              assertThat(uri.getScheme()).isEqualTo("http");
              assertThat(uri.getHost()).isNotNull();
            });
    String written = document.toJson();
    ServicesDocument again = ServicesDocument.parse(written);
    assertThat(again).isEqualTo(document);
    assertThat(again.toJson()).isEqualTo(written);
  }
}
