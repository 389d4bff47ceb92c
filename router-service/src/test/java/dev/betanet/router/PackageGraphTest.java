package dev.betanet.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * router-service is laid out by role, each package allowed to use only the ones below it
 * (docs/router.md draws the graph). An import that points up a layer fails here, before it turns
 * into a cycle.
 */
class PackageGraphTest {

  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "betanet", "router");
  private static final Pattern ROUTER_IMPORT =
      Pattern.compile(
          "^import (?:static )?dev\\.betanet\\.router\\.([a-z]+)\\.", Pattern.MULTILINE);

  /** Each role and the roles it may use; the root package wires them all. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("wire", Set.of()),
          Map.entry("state", Set.of("wire")),
          Map.entry("packet", Set.of("state", "wire")),
          Map.entry("exit", Set.of("state", "wire")),
          Map.entry("entry", Set.of("packet", "state", "wire")),
          Map.entry("tunnel", Set.of("exit", "state", "wire")),
          Map.entry("split", Set.of("state", "wire")),
          Map.entry("proxy", Set.of("connect", "split", "state", "stream", "wire")),
          Map.entry("stream", Set.of("state", "wire")),
          Map.entry("tcpexit", Set.of("stream", "state", "tunnel", "wire")),
          Map.entry(
              "connect", Set.of("entry", "packet", "split", "stream", "state", "tunnel", "wire")));

  @Test
  void everyRolePackageUsesOnlyThePackagesBelowIt() throws IOException {
    List<String> violations = new java.util.ArrayList<>();
    Set<String> seen = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() == 1) {
          continue; // the root package is the composition root: it may use every role
        }
        String role = relative.getName(0).toString();
        seen.add(role);
        Set<String> allowed = ALLOWED.get(role);
        if (allowed == null) {
          violations.add(role + " is a package this test does not place in the graph");
          continue;
        }
        Matcher m = ROUTER_IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(role) && !allowed.contains(used)) {
            violations.add(relative + " uses " + used);
          }
        }
      }
    }
    assertThat(seen)
        .as("role packages found")
        .containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
    assertThat(violations).as("imports that point up the graph").isEmpty();
  }
}
