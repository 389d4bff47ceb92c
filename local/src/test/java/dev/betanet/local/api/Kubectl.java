package dev.betanet.local.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against a kubeconfig, with a bounded time. */
record Kubectl(Path kubeconfig) {

  record Result(int exit, String output) {}

  static boolean onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
        return true;
      }
    }
    return false;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 30 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), output);
  }

  /** Starts kubectl in the background, its output (with errors) going to {@code output}. */
  Process start(Path output, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  String ok(String... args) throws IOException, InterruptedException {
    Result result = run(args);
    if (result.exit() != 0) {
      throw new AssertionError(
          "kubectl "
              + String.join(" ", args)
              + " exited "
              + result.exit()
              + ":\n"
              + result.output());
    }
    return result.output();
  }
}
