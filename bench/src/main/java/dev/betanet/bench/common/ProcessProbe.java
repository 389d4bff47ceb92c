package dev.betanet.bench.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one Linux process's CPU time and memory from /proc: {@code utime + stime} from {@code
 * /proc/<pid>/stat} (clock ticks, 100 per second on every Linux we run), the same per thread from
 * {@code /proc/<pid>/task/<tid>/stat} to tell the JIT compiler's share apart, {@code VmRSS} and
 * {@code VmHWM} from {@code /proc/<pid>/status}.
 */
public final class ProcessProbe {

  /** USER_HZ: the unit of utime/stime; 100 on Linux x86-64 and arm64. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long pid;

  public ProcessProbe(long pid) {
    this.pid = pid;
  }

  /** CPU seconds used so far: by the whole process, and by its JIT compiler threads. */
  public record Cpu(double total, double jit) {
    public Cpu minus(Cpu earlier) {
      return new Cpu(total - earlier.total, jit - earlier.jit);
    }
  }

  /** User plus system CPU seconds the process has used so far. */
  public double cpuSeconds() throws IOException {
    return ticks(Path.of("/proc", Long.toString(pid), "stat")) / TICKS_PER_SECOND;
  }

  /**
   * The process's CPU so far and its JIT compiler threads' part ({@code C1 CompilerThre}, {@code C2
   * CompilerThre}: HotSpot's names, cut to 15 characters by Linux). A compiler thread that has
   * exited takes its ticks with it, so the JIT part is a lower bound.
   */
  public Cpu cpu() throws IOException {
    long jit = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.contains("CompilerThre")) {
            jit += ticks(stat);
          }
        } catch (IOException e) {
          // the thread ended while we listed them
        }
      }
    }
    return new Cpu(cpuSeconds(), jit / TICKS_PER_SECOND);
  }

  private static long ticks(Path stat) throws IOException {
    return ticks(Files.readString(stat));
  }

  private static long ticks(String stat) {
    // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields after the name start at field 3 (state); utime is field 14, stime field 15.
    long utime = Long.parseLong(fields[14 - 3]);
    long stime = Long.parseLong(fields[15 - 3]);
    return utime + stime;
  }

  /** Resident memory now, in MiB. */
  public double rssMiB() throws IOException {
    return statusKiB("VmRSS:") / 1024.0;
  }

  /** Peak resident memory, in MiB. */
  public double peakRssMiB() throws IOException {
    return statusKiB("VmHWM:") / 1024.0;
  }

  /**
   * Voluntary context switches of every live thread of the process so far ({@code
   * voluntary_ctxt_switches} in {@code /proc/<pid>/task/<tid>/status}): each is a thread going to
   * sleep to wait for work, so their count per packet is the hand-offs and wake-ups a packet costs,
   * whatever the machine's load. Threads that have exited take theirs with them.
   */
  public long voluntarySwitches() throws IOException {
    long total = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException e) {
          // the thread ended while we listed them
        }
      }
    }
    return total;
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
