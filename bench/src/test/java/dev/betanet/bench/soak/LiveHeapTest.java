package dev.betanet.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveHeapTest {

  private static final long MIB = 1024 * 1024;

  /** Held while the histogram is read: reachable, so it must be counted. */
  private static byte[][] kept;

  /**
   * Reads this very JVM through jcmd (a separate process, as the soak reads the pods): 64 MiB kept
   * reachable shows in the live heap and under byte arrays; once dropped, the full collection the
   * histogram runs leaves it out.
   */
  @Test
  void countsWhatIsReachableAndNotWhatWasDropped() {
    long pid = ProcessHandle.current().pid();
    LiveHeap heap = new LiveHeap();
    kept = new byte[64][];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = new byte[(int) MIB];
    }

    Optional<LiveHeap.Reading> holding = heap.read(pid);
    kept = null;
    Optional<LiveHeap.Reading> dropped = heap.read(pid);

    assertThat(holding).isPresent();
    assertThat(dropped).isPresent();
    assertThat(holding.get().totalBytes()).isGreaterThan(64 * MIB);
    assertThat(holding.get().bytesByClass().get("[B")).isGreaterThan(64 * MIB);
    assertThat(holding.get().totalBytes() - dropped.get().totalBytes())
        .as("the 64 MiB dropped between the readings")
        .isGreaterThan(60 * MIB);
  }

  @Test
  void aProcessThatIsGoneHasNoReading() {
    assertThat(new LiveHeap().read(Integer.MAX_VALUE - 1)).isEmpty();
  }

  @Test
  void parsesTheHistogramRowsAndTotal() {
    String histogram =
        """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         10394        8734560  [B (java.base@25)
           2:          2033         390336  java.lang.Class (java.base@25)
           3:           100           2400  dev.betanet.Thing
        Total         12527        9127296
        """;

    LiveHeap.Reading reading = LiveHeap.parse(histogram).orElseThrow();

    assertThat(reading.totalBytes()).isEqualTo(9127296);
    assertThat(reading.bytesByClass())
        .containsEntry("[B", 8734560L)
        .containsEntry("java.lang.Class", 390336L)
        .containsEntry("dev.betanet.Thing", 2400L);
    assertThat(LiveHeap.parse("12345:\ncom.sun.tools.attach.AttachNotSupportedException"))
        .isEmpty();
  }
}
