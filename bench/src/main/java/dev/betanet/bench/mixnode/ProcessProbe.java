package dev.betanet.bench.mixnode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one Linux process's CPU time and memory from /proc: {@code utime + stime} from {@code
 * /proc/<pid>/stat} (clock ticks, 100 per second on every Linux we run), {@code VmRSS} and {@code
 * VmHWM} from {@code /proc/<pid>/status}.
 */
final class ProcessProbe {

  /** USER_HZ: the unit of utime/stime; 100 on Linux x86-64 and arm64. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long pid;

  ProcessProbe(long pid) {
    this.pid = pid;
  }

  /** User plus system CPU seconds the process has used so far. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields after the name start at field 3 (state); utime is field 14, stime field 15.
    long utime = Long.parseLong(fields[14 - 3]);
    long stime = Long.parseLong(fields[15 - 3]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /** Resident memory now, in MiB. */
  double rssMiB() throws IOException {
    return statusKiB("VmRSS:") / 1024.0;
  }

  /** Peak resident memory, in MiB. */
  double peakRssMiB() throws IOException {
    return statusKiB("VmHWM:") / 1024.0;
  }

  private long statusKiB(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }
}
