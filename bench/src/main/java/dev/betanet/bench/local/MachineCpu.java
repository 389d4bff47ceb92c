package dev.betanet.bench.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU from the first line of {@code /proc/stat}: how busy every core was
 * between two readings, whoever used it (pods, the embedded API, this load generator, anything else
 * running).
 */
record MachineCpu(long busyTicks, long totalTicks) {

  static MachineCpu read() throws IOException {
    String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
    long total = 0;
    // cpu user nice system idle iowait irq softirq steal [guest guest_nice: already in user/nice]
    for (int i = 1; i <= 8 && i < fields.length; i++) {
      total += Long.parseLong(fields[i]);
    }
    long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
    return new MachineCpu(total - idle, total);
  }

  /** The busy share of all cores since {@code earlier}, 0 to 1. */
  double busySince(MachineCpu earlier) {
    long total = totalTicks - earlier.totalTicks;
    return total <= 0 ? 0 : (double) (busyTicks - earlier.busyTicks) / total;
  }
}
