package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;

/**
 * Asks the operator for a packet-key rotation ahead of {@code spec.keyRotationInterval} by stamping
 * the cluster with the time of the request. An annotation rather than a spec field: a request is an
 * event, not desired state, and a new time is a new request.
 */
@Command(
    name = "rotate-keys",
    description =
        "Request a packet-key rotation now: sets annotation "
            + RotateKeysCommand.ANNOTATION
            + " to the current time (RFC 3339).")
final class RotateKeysCommand extends ClusterCommand {

  static final String ANNOTATION = "betanet.dev/rotate-keys-requested-at";

  Clock clock = Clock.systemUTC();

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    String requestedAt = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("metadata").putObject("annotations").put(ANNOTATION, requestedAt);
    clusters.mergePatch(name, patch);
    out.println(
        qualifiedName(clusters)
            + ": key rotation requested ("
            + ANNOTATION
            + "="
            + requestedAt
            + "); watch status.keyEpoch go up (an operator that honours the request rotates at"
            + " its next reconcile)");
    return 0;
  }
}
