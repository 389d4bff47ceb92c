package dev.betanet.monitoring;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external command the checks need (promtool, kubectl). A missing tool fails the test with how
 * to install it: a check that skips itself where the tool is absent would pass without checking.
 */
record Tool(String name, String install) {

  static final Tool PROMTOOL =
      new Tool(
          "promtool",
          "install it with `apt-get update && apt-get install -y prometheus` (Debian's Prometheus"
              + " 2.42 brings promtool; .ci/run does this)");
  static final Tool KUBECTL =
      new Tool("kubectl", "install kubectl (https://kubernetes.io/docs/tasks/tools/)");

  record Result(int exit, String output) {}

  /** Runs the tool in {@code dir}; fails the test if it is not on PATH or takes over 3 minutes. */
  Result run(Path dir, List<String> args) throws IOException, InterruptedException {
    if (!onPath()) {
      fail(name + " is not on PATH, and these checks need it: " + install);
    }
    List<String> command = new ArrayList<>();
    command.add(name);
    command.addAll(args);
    // Output to a file, not a pipe: a long failure report cannot block the tool.
    Path output = Files.createTempFile("betanet-" + name, ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish in 3 minutes");
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Runs the tool and fails the test with its output unless it exits 0. */
  String ok(Path dir, List<String> args) throws IOException, InterruptedException {
    Result result = run(dir, args);
    if (result.exit() != 0) {
      fail(
          name
              + " "
              + String.join(" ", args)
              + " exited "
              + result.exit()
              + ":\n"
              + result.output());
    }
    return result.output();
  }

  boolean onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
