package dev.betanet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.operator.crd.MixnetCluster;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML in {@code crds/} is generated from the Java classes and committed, so that users
 * install exactly what the operator expects. This test fails when the committed copy is stale;
 * {@code make crds} regenerates it (runs this test with {@code -Dbetanet.crds.write=true}).
 */
class CrdsAreUpToDateTest {

  private static final String CRD_FILE = "mixnetclusters.betanet.dev-v1.yml";

  @Test
  void committedCrdMatchesJavaClasses() throws IOException {
    Path committedDir = Path.of(System.getProperty("betanet.crds.dir", "../crds"));
    Path generatedDir = Files.createTempDirectory("crds");
    new CRDGenerator()
        .customResourceClasses(MixnetCluster.class)
        .withPostProcessor(new DeclaredPrinterColumnOrder(MixnetCluster.class))
        .inOutputDir(generatedDir.toFile())
        .generate();
    String generated = Files.readString(generatedDir.resolve(CRD_FILE));

    if (Boolean.getBoolean("betanet.crds.write")) {
      Files.createDirectories(committedDir);
      Files.writeString(committedDir.resolve(CRD_FILE), generated);
    }
    Path committed = committedDir.resolve(CRD_FILE);
    assertThat(committed)
        .as("crds/%s is missing: run `make crds` and commit it", CRD_FILE)
        .exists();
    assertThat(Files.readString(committed))
        .as("crds/%s is stale: run `make crds` and commit the result", CRD_FILE)
        .isEqualTo(generated);
  }
}
