package dev.betanet.kubectl;

/**
 * A failure the user can act on, with the one line they see and the exit code. The plugin never
 * shows a stack trace: everything that can go wrong becomes one of these.
 */
public final class PluginException extends RuntimeException {

  /** A bad argument: what the user typed cannot be carried out (picocli's usage-error code). */
  public static final int BAD_ARGUMENT = 2;

  /** The cluster could not do it: unreachable, not found, refused. */
  public static final int FAILED = 1;

  private final int exitCode;

  public PluginException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public static PluginException badArgument(String message) {
    return new PluginException(BAD_ARGUMENT, message);
  }

  public static PluginException failed(String message) {
    return new PluginException(FAILED, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
