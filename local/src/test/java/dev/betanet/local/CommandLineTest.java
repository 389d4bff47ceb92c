package dev.betanet.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.local.api.ApiServerMain;
import dev.betanet.local.watch.WatchMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The command lines of make run, make watch and the API server (picocli). */
class CommandLineTest {

  @Test
  void makeRunKeepsItsDefaultsAndReadsEveryOption() {
    LocalMain defaults = new LocalMain();
    new CommandLine(defaults).parseArgs();
    assertThat(defaults.proxy).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(defaults.socks).isEqualTo(new InetSocketAddress("127.0.0.1", 1080));
    assertThat(defaults.state).isEqualTo(Path.of(".local"));
    assertThat(defaults.apiPort).isZero();

    LocalMain main = new LocalMain();
    new CommandLine(main)
        .parseArgs(
            "--repository",
            "repo",
            "--state",
            "st",
            "--proxy",
            "127.0.0.1:18080",
            "--socks",
            "127.0.0.1:11080",
            "--api-port",
            "6443");
    assertThat(main.repository).isEqualTo(Path.of("repo"));
    assertThat(main.state).isEqualTo(Path.of("st"));
    assertThat(main.proxy).isEqualTo(new InetSocketAddress("127.0.0.1", 18080));
    assertThat(main.socks).isEqualTo(new InetSocketAddress("127.0.0.1", 11080));
    assertThat(main.apiPort).isEqualTo(6443);
  }

  @Test
  void aTrailingOptionWithoutItsValueIsAnError() {
    assertThatThrownBy(() -> new CommandLine(new LocalMain()).parseArgs("--state", "s", "--proxy"))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("Missing required parameter for option '--proxy'");
    assertThatThrownBy(() -> new CommandLine(new WatchMain()).parseArgs("--once", "--cluster"))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("'--cluster'");
    assertThatThrownBy(() -> new CommandLine(new ApiServerMain()).parseArgs("--port"))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("'--port'");
  }

  @Test
  void badValuesAndUnknownOptionsAreErrorsThatSayWhich() {
    assertThatThrownBy(() -> new CommandLine(new LocalMain()).parseArgs("--proxy", "8080"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'8080' is not HOST:PORT");
    assertThatThrownBy(() -> new CommandLine(new LocalMain()).parseArgs("--proxy", "h:99999"))
        .hasMessageContaining("the port is not in 0..65535");
    assertThatThrownBy(() -> new CommandLine(new LocalMain()).parseArgs("--api-port", "x"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'x' is not an int");
    assertThatThrownBy(() -> new CommandLine(new WatchMain()).parseArgs("--namspace", "x"))
        .isInstanceOf(UnmatchedArgumentException.class)
        .hasMessageContaining("--namspace");
  }

  @Test
  void aBadCommandLineExitsWithTwoAndPrintsTheErrorAndTheUsage() {
    StringWriter err = new StringWriter();
    CommandLine makeRun = new CommandLine(new LocalMain()).setErr(new PrintWriter(err));

    int exit = makeRun.execute("--proxy");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("Missing required parameter for option '--proxy' (HOST:PORT)")
        .contains("Usage: make run")
        .contains("--api-port=N");
  }

  @Test
  void makeWatchReadsItsOptions() {
    WatchMain watch = new WatchMain();
    new CommandLine(watch)
        .parseArgs("--kubeconfig", "kc", "--namespace", "ns", "--cluster", "c", "--once");

    assertThat(watch)
        .extracting("kubeconfig", "namespace", "cluster", "once")
        .containsExactly(Path.of("kc"), "ns", "c", true);
  }
}
