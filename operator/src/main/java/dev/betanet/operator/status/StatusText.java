package dev.betanet.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.regex.Pattern;

/**
 * What of a failure may go into a MixnetCluster's status and events, which anyone who can read the
 * cluster object reads: a stable, generic text. Exception messages may carry API server or pod
 * addresses, request URLs, response bodies (a router's metrics page is the router's to write) and
 * stack text; they go to the operator log, never here. Plain Java.
 */
public final class StatusText {

  /** Why a router's metrics could not be read, as the operator itself words it: kept as is. */
  private static final Pattern OWN_WORDS =
      Pattern.compile(
          "no pod|pod has no IP yet|pod IP is not an address|HTTP [0-9]{3}"
              + "|not a target of Prometheus|Prometheus's last scrape failed \\(up [-0-9.eEINaf]+\\)"
              // A series a node does not export (too old a node, a renamed metric): our own names.
              + "|no series [a-z_]+(\\{[a-z]+=\"[a-z_]+\"\\})? in the scrape"
              + "|departure entropy or mean pool is not a measurement");

  private static final Pattern FORMAT =
      Pattern.compile("^(metrics line [0-9]+):.*", Pattern.DOTALL);

  /** A leading exception class name, e.g. {@code ConnectException: ...}. */
  private static final Pattern EXCEPTION =
      Pattern.compile("^([A-Z][A-Za-z0-9]*(?:Exception|Error))(?::.*)?$", Pattern.DOTALL);

  private StatusText() {}

  /** The Ready condition's message for a reconcile that threw {@code failure}. */
  public static String reconcileFailed(Throwable failure) {
    String what = what(failure);
    return what + "; retrying with back-off (details in the operator log)";
  }

  /** {@code reason} (from a metrics scrape) reduced to words that carry no data. */
  public static String unreachable(String reason) {
    if (reason == null) {
      return "unreadable";
    }
    if (OWN_WORDS.matcher(reason).matches()) {
      return reason;
    }
    var format = FORMAT.matcher(reason);
    if (format.matches()) {
      return format.group(1) + ": not Prometheus text";
    }
    var exception = EXCEPTION.matcher(reason);
    if (exception.matches()) {
      return exception.group(1);
    }
    return "unreadable";
  }

  private static String what(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException api) {
        return api.getCode() > 0
            ? "a request to the Kubernetes API failed with HTTP " + api.getCode()
            : "the Kubernetes API could not be reached";
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return "unexpected " + (failure == null ? "error" : failure.getClass().getSimpleName());
  }
}
