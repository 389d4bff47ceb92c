package dev.betanet.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the monitoring assets live in the repository, and how the tests read them. */
final class MonitoringFiles {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  /** The repository root: the first directory up from the module holding k8s/monitoring. */
  static final Path ROOT = findRoot();

  static final Path DIR = ROOT.resolve("k8s/monitoring");
  static final Path RULES = DIR.resolve("rules/betanet-alerts.yaml");
  static final Path PROMETHEUS_RULE = DIR.resolve("prometheusrule.yaml");
  static final Path DASHBOARD = DIR.resolve("dashboards/betanet.json");
  static final Path PROMTOOL_TESTS = DIR.resolve("tests");
  static final Path EXAMPLE_CLUSTER = ROOT.resolve("k8s/examples/mixnetcluster.yaml");
  static final Path OPERATOR_DEPLOYMENT = ROOT.resolve("k8s/install/20-operator.yaml");

  private MonitoringFiles() {}

  static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The promtool unit test files, sorted. */
  static List<Path> promtoolTests() {
    try (Stream<Path> files = Files.list(PROMTOOL_TESTS)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + PROMTOOL_TESTS, e);
    }
  }

  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("k8s/monitoring/kustomization.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no k8s/monitoring/kustomization.yaml above " + Path.of("").toAbsolutePath());
  }
}
