package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.node.LoopbackPorts;
import dev.betanet.router.wire.HttpMessages;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20, item 7: what an anonymous client learns when things fail inside the cluster. A backend
 * that refuses connections and an exit that is down each give a stable reason code and a generic
 * text; the internal address and the exception stay in the log. Entry and exit at weight 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ErrorLeakTest {

  private TestCluster cluster;
  private int deadBackendPort;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(3, 1, 5);
    cluster.canaryWeight = 0;
    deadBackendPort = LoopbackPorts.reserve(); // nothing listens: connections are refused
    cluster.startRouters("http://127.0.0.1:" + deadBackendPort);
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aBackendRefusingConnectionsIsNamedByAReasonCodeNotByItsAddress() throws Exception {
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://echo.fog/secret-path");
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.header(HttpMessages.REASON_HEADER)).isEqualTo("backend_unreachable");
      assertThat(response.header(HttpMessages.ERROR_HEADER))
          .isEqualTo("backend of echo.fog unreachable");
      assertNothingInternal(response, deadBackendPort);
    }
  }

  @Test
  void anExitThatIsDownIsNamedByAReasonCodeNotByItsAddress() throws Exception {
    cluster.stopExit();
    try (var flow = new ProxyFlow(cluster.entry.proxyPort())) {
      ProxyFlow.Response response = flow.get("http://echo.fog/");
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header(HttpMessages.REASON_HEADER)).isEqualTo("unavailable");
      assertThat(response.header(HttpMessages.ERROR_HEADER))
          .isEqualTo("cannot open the fallback tunnel to router router-exit: connect_failed");
      assertNothingInternal(response, cluster.exitTunnelPort);
    }
  }

  private static void assertNothingInternal(ProxyFlow.Response response, int internalPort) {
    String seen = response.header(HttpMessages.ERROR_HEADER) + "\n" + response.text();
    assertThat(seen)
        .doesNotContain("127.0.0.1")
        .doesNotContain(String.valueOf(internalPort))
        .doesNotContainIgnoringCase("exception")
        .doesNotContain("io.")
        .doesNotContain("java.");
  }
}
