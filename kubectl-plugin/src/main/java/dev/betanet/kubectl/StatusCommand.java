package dev.betanet.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    description =
        "One screen about a MixnetCluster: conditions, canary (phase, step, weights, last analysis),"
            + " nodes, epochs.")
final class StatusCommand extends ClusterCommand {

  /** ANSI: cursor home, clear screen. Only sent to a terminal. */
  private static final String CLEAR = "\033[H\033[2J";

  @Option(
      names = {"-w", "--watch"},
      description = "Draw the screen again at every change of the cluster; Ctrl-C ends.")
  boolean watch;

  Clock clock = Clock.systemUTC();

  @Override
  int run(MixnetClusters clusters, PrintWriter out) {
    if (!watch) {
      print(out, clusters.get(name));
      return 0;
    }
    boolean terminal = System.console() != null && System.console().isTerminal();
    AtomicReference<String> shown = new AtomicReference<>();
    try {
      clusters
          .watch(
              name,
              cluster -> {
                // A watch also reports changes that leave the screen as it was (e.g. a resync).
                String version = Fields.textOrAbsent(cluster, "metadata", "resourceVersion");
                String before = shown.getAndSet(version);
                if (version.equals(before)) {
                  return;
                }
                synchronized (out) {
                  if (terminal) {
                    out.print(CLEAR);
                  } else if (before != null) {
                    out.println(); // screens one after the other, told apart by a blank line
                  }
                  print(out, cluster);
                }
              })
          .join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof PluginException failure) {
        throw failure;
      }
      throw e;
    }
    out.println(qualifiedName(clusters) + " was deleted");
    return 0;
  }

  private void print(PrintWriter out, JsonNode cluster) {
    StatusScreen.render(cluster, Instant.now(clock)).forEach(out::println);
    out.flush();
  }
}
