package dev.betanet.local.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local runtime runs for a container image: there are no images here, so each image the
 * project uses maps to the JVM that the image would run. Betanet's own images run their module's
 * packaged Quarkus app; the example's echo image runs a built-in echo server ({@link EchoServer}).
 * Any other image cannot run locally, and its pod says so.
 */
public final class ImageCatalog {

  /** The command for one container and the env var that names its bind address. */
  record Launch(List<String> command, Map<String, String> bindEnv) {}

  private final Path repository;
  private final Path java;

  /** {@code repository} holds the modules' {@code target/quarkus-app}. */
  ImageCatalog(Path repository) {
    this.repository = repository;
    this.java = Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Empty if the image is not one the local runtime knows. */
  Optional<Launch> launch(Container container, String podIp, Path hostsFile, Path tmp) {
    String image = container.getImage() == null ? "" : container.getImage();
    String repo = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
    List<String> jvm = jvmOptions(container, hostsFile, tmp);
    return switch (repo) {
      case "betanet/mixnode" ->
          Optional.of(
              quarkus(
                  jvm,
                  "mixnode-service",
                  Map.of("BETANET_MIXNODE_HOST", podIp, "QUARKUS_MANAGEMENT_HOST", podIp)));
      case "betanet/router" ->
          Optional.of(
              quarkus(
                  jvm,
                  "router-service",
                  Map.of("BETANET_ROUTER_HOST", podIp, "QUARKUS_MANAGEMENT_HOST", podIp)));
      case "betanet/operator" ->
          Optional.of(quarkus(jvm, "operator", Map.of("QUARKUS_MANAGEMENT_HOST", podIp)));
      case "ealen/echo-server" -> {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvm);
        command.addAll(
            List.of(
                "-cp", System.getProperty("java.class.path"), EchoServer.class.getName(), podIp));
        yield Optional.of(new Launch(command, Map.of()));
      }
      default -> Optional.empty();
    };
  }

  /** The packaged app of {@code module}; the runtime checks it exists before starting. */
  Path quarkusApp(String module) {
    return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
  }

  private Launch quarkus(List<String> jvm, String module, Map<String, String> bindEnv) {
    Path jar = quarkusApp(module);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it first (./mvnw -pl " + module + " package -DskipTests)");
    }
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString()));
    return new Launch(command, bindEnv);
  }

  /**
   * The heap and collector of every JVM the images run, the heap options of the images' {@code
   * ENTRYPOINT} ({@code src/main/docker/Dockerfile.jvm}; ImageCatalogTest keeps {@link
   * #imageOptions} equal to all of its options): a fixed heap of half the memory limit, which
   * leaves the other half to what lives outside the heap (metaspace, code cache, stacks, Netty's
   * direct buffers, which grow with load). Not touched at start ({@code -XX:+AlwaysPreTouch}): that
   * made a mixnode resident at ~354 MiB of its 384 MiB limit from its first second, close to an
   * out-of-memory kill once direct buffers grow; a heap leak shows in the live heap {@code make
   * soak} samples, not in RSS. The serial collector: these heaps are small (96–256 MiB) and the
   * pods request a tenth of a core; G1 would add ~38 MiB of its own structures per process. Without
   * a memory limit the JVM keeps its defaults.
   */
  static final List<String> HEAP_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:InitialRAMPercentage=50", "-XX:MaxRAMPercentage=50");

  /**
   * Hands the C heap's free memory back to the kernel every 10 s (glibc's {@code malloc_trim}), as
   * the images do. glibc keeps what a thread freed in that thread's arena for reuse; in the chaos
   * soak one arena of the witness mixnode held ~18 MiB of freed memory after 11 minutes, which read
   * as +1.6–1.8 MiB/min of resident memory outside the heap, and one trim gave back 21 MiB
   * (docs/reliability.md). A pod's memory limit counts those pages whether or not they are in use.
   */
  static final String NATIVE_HEAP_TRIM = "-XX:TrimNativeHeapInterval=10000";

  /**
   * Every {@code -XX} option of the images' {@code ENTRYPOINT}, in order (ImageCatalogTest holds it
   * to each Dockerfile; the mixnode bench's default node options follow it).
   */
  public static List<String> imageOptions() {
    List<String> options = new ArrayList<>(HEAP_OPTIONS);
    options.add(NATIVE_HEAP_TRIM);
    return options;
  }

  /**
   * Names resolve through the runtime's hosts file (there is no cluster DNS); Vert.x is told to use
   * the JDK resolver so it reads that file too. The memory limit becomes the JVM's view of the
   * machine's memory, as a container's cgroup limit would, and the heap is sized from it as the
   * images size it ({@link #HEAP_OPTIONS}).
   */
  static List<String> jvmOptions(Container container, Path hostsFile, Path tmp) {
    List<String> options = new ArrayList<>();
    options.add("-Djdk.net.hosts.file=" + hostsFile);
    options.add("-Dvertx.disableDnsResolver=true");
    // Pods come and go; a name looked up before its pod existed must not stay unknown for long.
    options.add("-Dsun.net.inetaddr.ttl=2");
    options.add("-Dsun.net.inetaddr.negative.ttl=1");
    options.add("-Djava.io.tmpdir=" + tmp);
    options.add(NATIVE_HEAP_TRIM);
    if (container.getResources() != null && container.getResources().getLimits() != null) {
      Quantity memory = container.getResources().getLimits().get("memory");
      if (memory != null) {
        options.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(memory).longValue());
        options.addAll(HEAP_OPTIONS);
      }
    }
    return options;
  }
}
