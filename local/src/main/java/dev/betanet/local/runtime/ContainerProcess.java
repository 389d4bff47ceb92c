package dev.betanet.local.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * One container as a local process: started with its command and environment, probed for readiness,
 * restarted with a growing back-off when it exits (as kubelet does with {@code restartPolicy:
 * Always}), and stopped with its whole process tree.
 */
final class ContainerProcess {

  private static final Logger LOG = Logger.getLogger(ContainerProcess.class.getName());
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** A run this long resets the back-off, as kubelet forgets a crash loop after a while. */
  private static final Duration STABLE_RUN = Duration.ofSeconds(60);

  /** Consecutive failed probes before a ready container is marked not ready. */
  private static final int FAILURE_THRESHOLD = 3;

  /** How readiness is checked: an HTTP GET answering 2xx, or a TCP connect. */
  sealed interface Probe permits HttpProbe, TcpProbe {}

  record HttpProbe(URI uri) implements Probe {}

  record TcpProbe(String host, int port) implements Probe {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path logFile;
  private final Path pidFile;
  private final Probe probe;

  private Process process;
  private Instant startedAt;
  private Instant nextStart = Instant.EPOCH;
  private Duration backoff = FIRST_BACKOFF;
  private int restarts;
  private Integer lastExitCode;
  private volatile boolean ready;
  private volatile int failures;
  private volatile boolean probing;
  private boolean stopped;

  ContainerProcess(
      String name,
      List<String> command,
      Map<String, String> env,
      Path logFile,
      Path pidFile,
      Probe probe) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.logFile = logFile;
    this.pidFile = pidFile;
    this.probe = probe;
  }

  /** Starts, notices an exit and restarts after the back-off, and probes. Call periodically. */
  synchronized void tick(Instant now) {
    if (stopped) {
      return;
    }
    if (process != null && !process.isAlive()) {
      lastExitCode = process.exitValue();
      restarts++;
      ready = false;
      failures = 0;
      if (Duration.between(startedAt, now).compareTo(STABLE_RUN) > 0) {
        backoff = FIRST_BACKOFF;
      }
      nextStart = now.plus(backoff);
      LOG.warning(
          name
              + " exited with code "
              + lastExitCode
              + "; restarting in "
              + backoff.toSeconds()
              + " s");
      appendLog("--- exited with code " + lastExitCode + ", restart " + restarts + " ---");
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
      process = null;
    }
    if (process == null && !now.isBefore(nextStart)) {
      start(now);
    }
    if (process != null && !probing) {
      probing = true;
      check().whenComplete((ok, failure) -> record(Boolean.TRUE.equals(ok)));
    }
  }

  private void start(Instant now) {
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(env);
      process = builder.start();
      startedAt = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      Files.writeString(pidFile, process.pid() + "\n");
      LOG.fine(() -> name + " started, pid " + process.pid());
    } catch (IOException e) {
      LOG.warning(name + " could not start: " + e.getMessage());
      appendLog("--- could not start: " + e.getMessage() + " ---");
      restarts++;
      nextStart = now.plus(backoff);
    }
  }

  private CompletableFuture<Boolean> check() {
    return switch (probe) {
      case HttpProbe http ->
          HTTP.sendAsync(
                  HttpRequest.newBuilder(http.uri()).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .thenApply(r -> r.statusCode() >= 200 && r.statusCode() < 400)
              .exceptionally(e -> false);
      case TcpProbe tcp ->
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket socket = new Socket()) {
                  socket.connect(new InetSocketAddress(tcp.host(), tcp.port()), 1000);
                  return true;
                } catch (IOException e) {
                  return false;
                }
              },
              Thread::startVirtualThread);
    };
  }

  private void record(boolean ok) {
    if (ok) {
      failures = 0;
      ready = true;
    } else if (++failures >= FAILURE_THRESHOLD || !ready) {
      ready = false;
    }
    probing = false;
  }

  private void appendLog(String line) {
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(
          logFile,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.fine(() -> "cannot append to " + logFile + ": " + e);
    }
  }

  boolean ready() {
    return ready && running();
  }

  synchronized boolean running() {
    return process != null && process.isAlive();
  }

  synchronized int restarts() {
    return restarts;
  }

  synchronized Integer lastExitCode() {
    return lastExitCode;
  }

  synchronized Instant startedAt() {
    return startedAt;
  }

  /** The running process, for tests that kill it as a crash would. */
  synchronized java.util.Optional<ProcessHandle> handle() {
    return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
  }

  /** Stops the process tree for good (pod deleted or runtime stopping). */
  void stop() {
    Process current;
    synchronized (this) {
      stopped = true;
      current = process;
      process = null;
      ready = false;
    }
    if (current != null) {
      ProcessTrees.stop(current.toHandle(), 10_000);
    }
  }
}
