package dev.betanet.kubectl;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl betanet}: the MixnetCluster's status on one screen, and the canary's controls, as
 * JSON merge patches through the API server of the kubeconfig's context. Every failure is one line
 * on standard error and a non-zero exit: 2 for a bad argument, 1 when the cluster could not do it.
 */
@Command(
    name = "kubectl betanet",
    mixinStandardHelpOptions = true,
    version = "kubectl betanet 0.1.0-SNAPSHOT",
    description = "Status and canary controls of a Betanet MixnetCluster.",
    subcommands = {
      StatusCommand.class,
      PromoteCommand.class,
      AbortCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      SetWeightCommand.class,
      RotateKeysCommand.class
    })
public final class KubectlBetanet implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "name a command: status, promote, abort, pause, resume, set-weight or rotate-keys");
  }

  public static void main(String[] args) {
    System.exit(
        execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; returns the exit code. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new KubectlBetanet());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setParameterExceptionHandler(
        (failure, ignored) -> {
          err.println("error: " + failure.getMessage());
          err.println(
              "see: " + failure.getCommandLine().getCommandSpec().qualifiedName() + " --help");
          return PluginException.BAD_ARGUMENT;
        });
    commandLine.setExecutionExceptionHandler(
        (failure, ignored, parsed) -> {
          if (failure instanceof PluginException known) {
            err.println("error: " + known.getMessage());
            return known.exitCode();
          }
          // Not expected; still one line, with what little is known.
          err.println(
              "error: "
                  + failure.getClass().getSimpleName()
                  + ": "
                  + MixnetClusters.firstLine(failure.getMessage()));
          return PluginException.FAILED;
        });
    int exit = commandLine.execute(args);
    out.flush();
    err.flush();
    return exit;
  }
}
