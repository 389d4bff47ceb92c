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

  @Test
  void theHeapsRangeComesFromItsSpacesAndItsResidentPagesFromSmaps() {
    String serial =
        """
        DefNew     total 59008K, used 44606K [0x00000000f4000000, 0x00000000f8000000, 0x00000000f8000000)
         eden space 52480K,  72% used [0x00000000f4000000, 0x00000000f652f9e8, 0x00000000f7340000)
        Tenured    total 131072K, used 32586K [0x00000000f8000000, 0x0000000100000000, 0x0000000100000000)
        Metaspace       used 40000K, committed 40512K, reserved 1114112K
        """;
    long[] range = LiveHeap.parseRange(serial).orElseThrow();
    assertThat(range).containsExactly(0xf4000000L, 0x100000000L);
    assertThat(LiveHeap.parseRange("Metaspace used 1K")).isEmpty();

    String smaps =
        """
        00400000-00401000 r-xp 00000000 08:01 42   /usr/lib/jvm/bin/java
        Rss:                   4 kB
        f4000000-f8000000 rw-p 00000000 00:00 0
        Size:              65536 kB
        Rss:               20480 kB
        f8000000-100000000 rw-p 00000000 00:00 0
        Rss:                1024 kB
        7f0000000000-7f0000100000 rw-p 00000000 00:00 0
        Rss:                 512 kB
        """;
    assertThat(LiveHeap.residentKiBWithin(smaps, range[0], range[1])).isEqualTo(21_504);
  }
}
