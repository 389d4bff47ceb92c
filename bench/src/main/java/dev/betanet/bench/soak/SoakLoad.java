package dev.betanet.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Steady mixed load through the proxy for the soak: {@code flows} clients at once, each opening a
 * flow (one proxy connection, one canary draw), sending {@link #FLOW_REQUESTS} requests on it one
 * after the other, then opening the next. Requests mix bodiless GETs (the echo backend answers
 * {@code GET <path>\n}) and POSTs of random bodies from one to many packets' worth (echoed byte for
 * byte), so every answer has one exact expected value and is compared with it.
 *
 * <p>Every request ends as one {@link Outcome}: {@code ok}, {@code wrong_answer} (a 200 whose body
 * differs), or the failure as the client saw it (status and {@code X-Betanet-Reason}, or the I/O
 * error's kind).
 */
final class SoakLoad implements AutoCloseable {

  static final int FLOW_REQUESTS = 10;
  static final String OK = "ok";
  static final String WRONG_ANSWER = "wrong_answer";

  /** POST body sizes and their weights out of 100; the rest are GETs. */
  private static final int[][] BODIES = {{512, 30}, {4 * 1024, 20}, {32 * 1024, 10}};

  /**
   * One request: when it was sent (ms since the soak began), how long until the whole answer (ns),
   * the transport the router named, the request kind, and how it ended.
   */
  record Outcome(long atMillis, long latencyNanos, String transport, String kind, String result) {
    boolean ok() {
      return OK.equals(result);
    }
  }

  private final int proxyPort;
  private final String host;
  private final LongSupplier clockMillis;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean running = true;

  SoakLoad(int proxyPort, String host, LongSupplier clockMillis) {
    this.proxyPort = proxyPort;
    this.host = host;
    this.clockMillis = clockMillis;
  }

  void start(int flows, long seed) {
    for (int c = 0; c < flows; c++) {
      Random random = new Random(seed + c);
      int client = c;
      executor.submit(() -> flows(client, random));
    }
  }

  private void flows(int client, Random random) {
    while (running) {
      try (var flow = new SoakConnection(proxyPort, 60_000)) {
        for (int r = 0; r < FLOW_REQUESTS && running; r++) {
          if (!request(flow, client, random)) {
            pause(); // the connection failed (a router restart?): do not spin on new ones
            break;
          }
        }
      } catch (IOException e) {
        record(clockMillis.getAsLong(), 0, "?", "connect", "io " + kind(e));
        pause(); // the proxy is not accepting: do not spin
      }
    }
  }

  /** Sends one request and records its outcome; false when the connection failed. */
  private boolean request(SoakConnection flow, int client, Random random) {
    String path = "/soak/" + client + "/" + sequence.getAndIncrement();
    byte[] body = body(random);
    byte[] expected = body != null ? body : ("GET " + path + "\n").getBytes(StandardCharsets.UTF_8);
    String kind = body == null ? "GET" : "POST " + body.length;
    long at = clockMillis.getAsLong();
    long sent = System.nanoTime();
    try {
      SoakConnection.Answer answer = flow.send(host, path, body);
      long latency = System.nanoTime() - sent;
      String result;
      if (answer.status() != 200) {
        result = "status " + answer.status() + " " + answer.reason();
      } else if (!Arrays.equals(answer.body(), expected)) {
        result = WRONG_ANSWER;
      } else {
        result = OK;
      }
      record(at, latency, answer.transport(), kind, result);
      return true;
    } catch (IOException | RuntimeException e) {
      record(at, System.nanoTime() - sent, "?", kind, "io " + kind(e));
      return false;
    }
  }

  private static byte[] body(Random random) {
    int draw = random.nextInt(100);
    for (int[] size : BODIES) {
      draw -= size[1];
      if (draw < 0) {
        byte[] body = new byte[size[0] - random.nextInt(size[0] / 4)];
        random.nextBytes(body);
        return body;
      }
    }
    return null;
  }

  /** The I/O error's kind without addresses: its class and the first words of its message. */
  private static String kind(Exception e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int cut = message.indexOf(" after ");
    return e.getClass().getSimpleName()
        + (message.isEmpty() ? "" : ": ")
        + (cut > 0 ? message.substring(0, cut) : message);
  }

  private void record(long at, long latency, String transport, String kind, String result) {
    outcomes.add(new Outcome(at, latency, transport, kind, result));
  }

  private void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  List<Outcome> outcomes() {
    return new ArrayList<>(outcomes);
  }

  /** Stops opening requests and waits for those under way (each bounded by its socket timeout). */
  @Override
  public void close() throws InterruptedException {
    running = false;
    executor.shutdown();
    if (!executor.awaitTermination(90, TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
  }
}
