package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;

/**
 * Asks the operator for a packet-key rotation ahead of {@code spec.keyRotationInterval} by setting
 * {@code spec.rotateKeysAt} to the time of the request (as Argo Rollouts' {@code restart} sets
 * {@code spec.restartAt}): a spec change reaches the operator at once, and a new time is a new
 * request.
 */
@Command(
    name = "rotate-keys",
    description =
        "Request a packet-key rotation now: sets spec.rotateKeysAt to the current time (RFC"
            + " 3339).")
final class RotateKeysCommand extends ClusterCommand {

  Clock clock = Clock.systemUTC();

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    String requestedAt = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("spec").put("rotateKeysAt", requestedAt);
    clusters.mergePatch(name, patch);
    out.println(
        qualifiedName(clusters)
            + ": key rotation requested (spec.rotateKeysAt="
            + requestedAt
            + "); the operator rotates now, or when a rotation in progress ends: watch the key"
            + " epoch go up in `kubectl betanet status`");
    return 0;
  }
}
