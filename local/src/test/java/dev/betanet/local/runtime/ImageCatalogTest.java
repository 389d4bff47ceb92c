package dev.betanet.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageCatalogTest {

  private static final Path HOSTS = Path.of("/tmp/hosts");
  private static final Path TMP = Path.of("/tmp/pod");

  /** The local process runs with the heap options the image's ENTRYPOINT gives its JVM. */
  @ParameterizedTest
  @ValueSource(strings = {"mixnode-service", "router-service", "operator"})
  void podsGetTheMemoryOptionsOfTheirImage(String module) throws IOException {
    Path dockerfile = Path.of("..", module, "src/main/docker/Dockerfile.jvm");
    Matcher entrypoint =
        Pattern.compile("(?m)^ENTRYPOINT \\[(.*)\\]$").matcher(Files.readString(dockerfile));
    assertThat(entrypoint.find()).as("%s has an ENTRYPOINT", dockerfile).isTrue();
    List<String> imageOptions = new ArrayList<>();
    for (String word : entrypoint.group(1).split(",")) {
      String option = word.trim().replace("\"", "");
      if (option.startsWith("-XX:")) {
        imageOptions.add(option);
      }
    }

    assertThat(imageOptions).isEqualTo(ImageCatalog.imageOptions());
  }

  @Test
  void aMemoryLimitBecomesAFixedHeapOfHalfOfIt() {
    Container limited =
        new ContainerBuilder()
            .withNewResources()
            .addToLimits("memory", new Quantity("384Mi"))
            .endResources()
            .build();

    List<String> options = ImageCatalog.jvmOptions(limited, HOSTS, TMP);

    assertThat(options).contains("-XX:MaxRAM=" + 384L * 1024 * 1024);
    assertThat(options)
        .containsSubsequence("-XX:InitialRAMPercentage=50", "-XX:MaxRAMPercentage=50")
        .contains("-XX:TrimNativeHeapInterval=10000")
        .doesNotContain("-XX:+AlwaysPreTouch");
  }

  @Test
  void withoutALimitTheHeapKeepsItsDefaults() {
    List<String> options = ImageCatalog.jvmOptions(new Container(), HOSTS, TMP);

    assertThat(options)
        .filteredOn(o -> o.startsWith("-XX:"))
        .containsExactly("-XX:TrimNativeHeapInterval=10000");
  }
}
