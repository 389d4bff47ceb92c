package dev.betanet.mixnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A memory bound set too small is a start-up error naming the setting, not a node that drops. */
class MemoryBoundConfigTest {

  private static Optional<MemorySize> bytes(long n) {
    return Optional.of(new MemorySize(BigInteger.valueOf(n)));
  }

  @Test
  void anUnsetBoundTakesItsDefault() {
    assertThat(
            MixnodeService.memoryBound(
                "betanet.mixnode.next-hop-memory", Optional.empty(), () -> 42))
        .isEqualTo(42);
  }

  @Test
  void aBoundAtTheMinimumOrAboveIsTakenAsGiven() {
    assertThat(MixnodeService.memoryBound("p", bytes(1L << 20), () -> 42)).isEqualTo(1L << 20);
    assertThat(MixnodeService.memoryBound("p", bytes(64L << 20), () -> 42)).isEqualTo(64L << 20);
  }

  @Test
  void aBoundUnderTheMinimumIsRefusedByName() {
    assertThatThrownBy(
            () ->
                MixnodeService.memoryBound(
                    "betanet.mixnode.delay-pool-memory", bytes(64 * 1024), () -> 42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("betanet.mixnode.delay-pool-memory is 65536 bytes")
        .hasMessageContaining("minimum of 1M");
  }
}
