package dev.betanet.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

class StatusTextTest {

  private static final String KEY = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

  @Test
  void anApiFailureIsItsHttpCodeNotItsUrlOrBody() {
    var failure =
        new KubernetesClientException(
            "Failure executing: PUT at: https://10.96.0.1:443/api/v1/namespaces/mixnet/secrets"
                + "/demo-mix-0-0-0-keys. Message: Secret \"demo\" is invalid: data[keys.json]: "
                + KEY,
            422,
            null);

    String text = StatusText.reconcileFailed(new IllegalStateException("wrapped", failure));

    assertThat(text)
        .isEqualTo(
            "a request to the Kubernetes API failed with HTTP 422; retrying with back-off"
                + " (details in the operator log)");
  }

  @Test
  void anUnreachableApiOrAnyOtherFailureIsNamedOnly() {
    assertThat(
            StatusText.reconcileFailed(
                new KubernetesClientException("Operation: [get] for kind: [Secret] failed", null)))
        .startsWith("the Kubernetes API could not be reached;");
    IllegalStateException bug = new IllegalStateException("BUG: key " + KEY + " at 10.0.0.7:9000");
    String text = StatusText.reconcileFailed(bug);
    assertThat(text).startsWith("unexpected IllegalStateException;");
    assertNothingLeaks(text, stackOf(bug));
  }

  @Test
  void aScrapeFailureKeepsTheOperatorsOwnWordsAndExceptionNamesOnly() {
    assertThat(StatusText.unreachable("no pod")).isEqualTo("no pod");
    assertThat(StatusText.unreachable("HTTP 503")).isEqualTo("HTTP 503");
    assertThat(StatusText.unreachable("ConnectException")).isEqualTo("ConnectException");
    assertThat(
            StatusText.unreachable(
                new HttpTimeoutException("request to http://10.0.0.7:9000/q/metrics timed out")
                        .getClass()
                        .getSimpleName()
                    + ": request to http://10.0.0.7:9000/q/metrics timed out"))
        .isEqualTo("HttpTimeoutException");
    assertThat(StatusText.unreachable("metrics line 3: not a number: " + KEY))
        .isEqualTo("metrics line 3: not Prometheus text");
    assertThat(StatusText.unreachable(new ConnectException().getClass().getSimpleName()))
        .isEqualTo("ConnectException");
    String stack = stackOf(new IOException("10.0.0.7:9000 " + KEY));
    assertThat(StatusText.unreachable(stack)).isEqualTo("unreadable");
    assertThat(StatusText.unreachable("10.0.0.7:9000 refused " + KEY)).isEqualTo("unreadable");
    assertThat(StatusText.unreachable(null)).isEqualTo("unreadable");
  }

  private static void assertNothingLeaks(String text, String stack) {
    assertThat(text).doesNotContain(KEY).doesNotContain("10.0.0.7").doesNotContain(":9000");
    assertThat(stack).contains("\tat ");
    assertThat(text).doesNotContain("\tat ").doesNotContain("\n");
  }

  private static String stackOf(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
