package dev.betanet.local.runtime;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a process and everything it started: SIGTERM first, SIGKILL after a grace period. */
final class ProcessTrees {

  private ProcessTrees() {}

  /** Stops {@code process} and its descendants; returns when they are gone or killed. */
  static void stop(ProcessHandle process, long graceMillis) {
    List<ProcessHandle> tree =
        java.util.stream.Stream.concat(process.descendants(), java.util.stream.Stream.of(process))
            .toList();
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      try {
        handle.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    tree.forEach(
        handle -> {
          if (handle.isAlive()) {
            handle.destroyForcibly();
          }
        });
  }
}
