package dev.betanet.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code kubectl betanet ...} as a user does: the real kubectl, which finds the plugin as
 * {@code kubectl-betanet} on PATH, with the project's {@code bin/} in front.
 */
record KubectlPlugin(Path root, Path kubeconfig) {

  record Result(int exit, String out, String err) {}

  static boolean kubectlOnPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
        return true;
      }
    }
    return false;
  }

  /** {@code kubectl betanet <args> --kubeconfig <file>}. */
  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    return runWith(Map.of(), command);
  }

  /** {@code kubectl betanet <args>} with {@code env} added to the environment. */
  Result runWith(Map<String, String> env, List<String> args)
      throws IOException, InterruptedException {
    Process process = builder(env, args).start();
    process.getOutputStream().close();
    // Output is small (one screen); reading it after exit cannot block the process.
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl betanet " + String.join(" ", args) + " did not end");
    }
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** Starts {@code kubectl betanet <args> --kubeconfig <file>}, output and errors into files. */
  Process start(Path out, Path err, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    return builder(Map.of(), command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
  }

  private ProcessBuilder builder(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "betanet"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KUBECONFIG");
    builder
        .environment()
        .put("PATH", root.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", ""));
    builder.environment().putAll(env);
    return builder;
  }
}
