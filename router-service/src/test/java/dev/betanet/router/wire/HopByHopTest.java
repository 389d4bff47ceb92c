package dev.betanet.router.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void everyConnectionHeaderNamesHeadersOfThisHopOnly() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Accept", "text/plain")
            .add("Connection", "keep-alive, X-First")
            .add("X-First", "this hop's")
            .add("connection", "X-Second")
            .add("X-Second", "also this hop's")
            .add("Keep-Alive", "timeout=5")
            .add("Content-Length", "3")
            .add("ETag", "\"v1\"");

    assertThat(HopByHop.endToEnd(headers))
        .containsExactly(Map.entry("Accept", "text/plain"), Map.entry("ETag", "\"v1\""));
  }
}
