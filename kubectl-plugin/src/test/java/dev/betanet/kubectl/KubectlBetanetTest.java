package dev.betanet.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines that fail before or at the connection: one line, the right exit code. */
class KubectlBetanetTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KubectlBetanet.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void refusesAWeightOutsideZeroToHundredBeforeConnecting() {
    for (String bad : new String[] {"101", "-1", "abc", "50.5", "1000"}) {
      Run run = run("set-weight", "demo", bad, "--kubeconfig", "/nonexistent/kubeconfig");
      assertThat(run.exit()).as(bad).isEqualTo(2);
      assertThat(run.err())
          .as(bad)
          .isEqualTo(
              "error: WEIGHT must be a whole number from 0 to 100 (percent of new flows), got \""
                  + bad
                  + "\"\n");
    }
  }

  @Test
  void acceptsTheWeightsAtBothEnds() {
    assertThat(SetWeightCommand.parseWeight("0")).isZero();
    assertThat(SetWeightCommand.parseWeight("100")).isEqualTo(100);
  }

  @Test
  void aMissingArgumentIsAUsageErrorInOneLinePlusAHint() {
    Run run = run("set-weight", "demo");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().lines())
        .containsExactly(
            "error: Missing required parameter: 'WEIGHT'",
            "see: kubectl betanet set-weight --help");
  }

  @Test
  void noCommandIsAUsageError() {
    Run run = run();
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: name a command: status, promote, abort");
  }

  @Test
  void aMissingKubeconfigFileIsNamed() {
    Run run = run("status", "demo", "--kubeconfig", dir.resolve("nope").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: cannot read kubeconfig "
                + dir.resolve("nope")
                + " (no such file, or not readable)\n");
  }

  @Test
  void anUnknownContextIsRefusedAsKubectlDoes() throws IOException {
    Run run = run("status", "demo", "--kubeconfig", deadKubeconfig().toString(), "--context", "x");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: context \"x\" is not in the kubeconfig\n");
  }

  @Test
  void anUnreachableApiServerIsOneLineAndExitOne() throws IOException {
    Path kubeconfig = deadKubeconfig();
    Run run = run("status", "demo", "--kubeconfig", kubeconfig.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err())
        .startsWith("error: cannot reach the Kubernetes API at http://127.0.0.1:" + closedPort)
        .contains(": connection refused (");
    assertThat(run.out()).isEmpty();
  }

  private int closedPort;

  /** A kubeconfig whose only context names a port nothing listens on. */
  private Path deadKubeconfig() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    return Files.writeString(
        dir.resolve("kubeconfig"),
        """
            apiVersion: v1
            kind: Config
            clusters:
            - name: gone
              cluster:
                server: http://127.0.0.1:%d
            users:
            - name: gone
              user:
                token: x
            contexts:
            - name: gone
              context: {cluster: gone, user: gone, namespace: default}
            current-context: gone
            """
            .formatted(closedPort));
  }
}
