package dev.betanet.bench.common;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load through an entry router's proxy port: {@code flows} clients at once, each
 * opening a flow (a connection to the proxy, which the canary split sends down one transport for
 * its life), sending {@code flowRequests} small GETs on it one after the other, closing it and
 * opening the next, until the time is up. A request started before the deadline is waited for.
 *
 * <p>It records, per transport the router names in {@code X-Betanet-Transport}, the latency of
 * every answered request (from writing it to reading the whole answer), and for the first request
 * of each flow also the time from before the connect: what a new flow waits for its first answer.
 * Refusals and failures are counted by their reason (status and {@code X-Betanet-Error}, or the I/O
 * error).
 */
public final class FlowLoad {

  /** What one run measured. */
  public record Result(
      Map<String, Latencies> answered,
      Map<String, Latencies> firstAnswers,
      Map<String, Long> failures,
      double seconds) {

    public Latencies answered(String transport) {
      return answered.getOrDefault(transport, Latencies.NONE);
    }

    public Latencies firstAnswers(String transport) {
      return firstAnswers.getOrDefault(transport, Latencies.NONE);
    }

    public Latencies allAnswered() {
      return answered.values().stream().reduce(Latencies.NONE, Latencies::plus);
    }

    public long failed() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    public double answeredPerSecond() {
      return allAnswered().count() / seconds;
    }
  }

  private final int proxyPort;
  private final String host;

  public FlowLoad(int proxyPort, String host) {
    this.proxyPort = proxyPort;
    this.host = host;
  }

  public Result run(int flows, int flowRequests, Duration duration) throws InterruptedException {
    long started = System.nanoTime();
    long end = started + duration.toNanos();
    Map<String, ConcurrentLinkedQueue<Long>> answered = new ConcurrentHashMap<>();
    Map<String, ConcurrentLinkedQueue<Long>> firsts = new ConcurrentHashMap<>();
    Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    AtomicLong sequence = new AtomicLong();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < flows; c++) {
        int client = c;
        executor.submit(
            () -> {
              while (System.nanoTime() < end) {
                long opened = System.nanoTime();
                try (var flow = new ProxyConnection(proxyPort)) {
                  for (int r = 0; r < flowRequests && System.nanoTime() < end; r++) {
                    long sent = System.nanoTime();
                    var answer =
                        flow.get(host, "/bench/" + client + "/" + sequence.getAndIncrement());
                    long now = System.nanoTime();
                    if (answer.status() != 200) {
                      count(failures, answer.status() + " " + answer.error());
                      continue;
                    }
                    add(answered, answer.transport(), now - sent);
                    if (r == 0) {
                      add(firsts, answer.transport(), now - opened);
                    }
                  }
                } catch (IOException e) {
                  count(failures, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
              }
              return null;
            });
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Long> failed = new TreeMap<>();
    failures.forEach((reason, n) -> failed.put(reason, n.get()));
    return new Result(sorted(answered), sorted(firsts), failed, seconds);
  }

  private static void add(Map<String, ConcurrentLinkedQueue<Long>> into, String key, long nanos) {
    into.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(nanos);
  }

  private static void count(Map<String, AtomicLong> failures, String reason) {
    failures.computeIfAbsent(reason.strip(), r -> new AtomicLong()).incrementAndGet();
  }

  private static Map<String, Latencies> sorted(Map<String, ConcurrentLinkedQueue<Long>> samples) {
    Map<String, Latencies> result = new TreeMap<>();
    samples.forEach((transport, q) -> result.put(transport, Latencies.of(q)));
    return result;
  }
}
