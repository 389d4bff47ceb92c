package dev.betanet.bench.common;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Command-line handling shared by the benches' mains (picocli). */
public final class CommandLines {

  private CommandLines() {}

  /**
   * Reads {@code args} into {@code command}'s {@code @Option} fields, then runs {@code validate}
   * (which throws {@link IllegalArgumentException} for values that parse but make no sense).
   *
   * @throws ParameterException for an unknown option, an option without its value, a value of the
   *     wrong type, or one {@code validate} refused; the message says which
   */
  public static <T> CommandLine parse(T command, String[] args, Consumer<T> validate) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.parseArgs(args);
    if (!commandLine.isUsageHelpRequested()) {
      try {
        validate.accept(command);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(commandLine, e.getMessage(), e);
      }
    }
    return commandLine;
  }

  /**
   * {@link #parse} for a main: {@code --help} prints the usage and exits 0; a bad command line
   * prints what is wrong and the usage and exits 2.
   */
  public static <T> T parseOrExit(T command, String[] args, Consumer<T> validate) {
    PrintWriter err = new PrintWriter(System.err, true);
    try {
      CommandLine commandLine = parse(command, args, validate);
      if (commandLine.isUsageHelpRequested()) {
        commandLine.usage(System.out);
        System.exit(0);
      }
      return command;
    } catch (ParameterException e) {
      err.println(e.getMessage());
      e.getCommandLine().usage(err);
      System.exit(2);
      throw new IllegalStateException("BUG: System.exit returned", e);
    }
  }
}
