package dev.betanet.bench.mixnode;

import dev.betanet.protocol.link.LinkTls;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends pre-built packets to the mixnode over several loopback connections, either as fast as the
 * node takes them with at most a window of packets unaccounted for (closed loop: measures the
 * ceiling), or on an open-loop schedule (measures latency, shedding and memory at a given load).
 *
 * <p>It is built to cost the node little CPU, since both share the machine: senders block (on the
 * window or a timed park) instead of polling, and write {@value #GROUP} packets per flush.
 *
 * <p>Its connections are opened once ({@link #open}, before any measured phase) and kept, as a
 * router keeps its links: a TLS handshake costs the node milliseconds of CPU in code that runs
 * nowhere else, so handshakes inside a phase made the phase measure them (and the JIT compiling
 * them) instead of packets.
 */
final class LoadDriver implements AutoCloseable {

  /** Packets per flush (and per window permit request) in the closed loop. */
  static final int GROUP = 8;

  /** A window permit missing this long means its packet was dropped: send on rather than stall. */
  private static final long LOST_PERMIT_MILLIS = 200;

  private final int port;
  private final int connections;

  private final LinkTls tls;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<DataOutputStream> outputs = new ArrayList<>();

  /**
   * @param tls the links' mutual TLS: the driver opens them as the topology's router
   */
  LoadDriver(int port, int connections, LinkTls tls) {
    this.tls = tls;
    this.port = port;
    this.connections = connections;
  }

  /** Opens every connection, handshake done: call before the first phase, outside its timing. */
  void open() throws IOException {
    if (!sockets.isEmpty()) {
      throw new IllegalStateException("BUG: the load driver is open already");
    }
    for (int c = 0; c < connections; c++) {
      Socket socket = tls.connect(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      sockets.add(socket);
      outputs.add(
          new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 15)));
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    sockets.clear();
    outputs.clear();
    if (first != null) {
      throw first;
    }
  }

  /**
   * Closed loop: sends {@code packets[from, to)} as fast as the window allows; {@code window}'s
   * permits are released by the sink, one per packet that arrives.
   */
  void saturate(byte[][] packets, int from, int to, Semaphore window) throws Exception {
    run(
        lane -> {
          var out = outputs.get(lane);
          for (int i = from + lane * GROUP; i < to; i += connections * GROUP) {
            int group = Math.min(GROUP, to - i);
            // A timeout means packets were dropped and their permits will never come back.
            window.tryAcquire(group, LOST_PERMIT_MILLIS, TimeUnit.MILLISECONDS);
            for (int j = i; j < i + group; j++) {
              out.writeInt(packets[j].length);
              out.write(packets[j]);
            }
            out.flush();
          }
        });
  }

  /**
   * Open loop: sends {@code packets[from, to)}, packet {@code i} at {@code start + offsetNanos[i]}
   * on connection {@code i % connections}, each written and flushed alone so that the node sees
   * single-packet arrivals, and notes when each was sent in {@code sentNanos[i]}. Falling behind
   * the schedule, it sends at once, still one packet per flush.
   *
   * <p>One thread sends on every connection, in schedule order (before 2026-12-02, one thread per
   * connection): 16 threads waking thousands of times a second shared the harness's core with the
   * sink, and one thread's lateness against the schedule is one series the run can report.
   */
  void openLoop(byte[][] packets, int from, int to, long[] offsetNanos, long[] sentNanos)
      throws IOException {
    if (sockets.size() != connections) {
      throw new IllegalStateException("BUG: send before open()");
    }
    long start = System.nanoTime();
    for (int i = from; i < to; i++) {
      long wait = start + offsetNanos[i] - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      var out = outputs.get(i % connections);
      sentNanos[i] = System.nanoTime();
      out.writeInt(packets[i].length);
      out.write(packets[i]);
      out.flush();
    }
  }

  /**
   * Arrival offsets for {@code count} packets at {@code ratePerSecond} in total: Poisson arrivals
   * (exponential gaps; what a mixnode fed by many independent senders sees) or evenly spaced.
   */
  static long[] schedule(int count, double ratePerSecond, boolean poisson, long seed) {
    long[] offsets = new long[count];
    var random = new SplittableRandom(seed);
    double meanGapNanos = 1e9 / ratePerSecond;
    double at = 0;
    for (int i = 0; i < count; i++) {
      offsets[i] = (long) at;
      at += poisson ? -meanGapNanos * Math.log(1 - random.nextDouble()) : meanGapNanos;
    }
    return offsets;
  }

  private interface Lane {
    void send(int lane) throws Exception;
  }

  private void run(Lane body) throws Exception {
    if (sockets.size() != connections) {
      throw new IllegalStateException("BUG: send before open()");
    }
    List<Thread> senders = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int lane = c;
      senders.add(
          Thread.ofPlatform()
              .name("load-" + c)
              .start(
                  () -> {
                    try {
                      body.send(lane);
                    } catch (Exception e) {
                      synchronized (failures) {
                        failures.add(e);
                      }
                    }
                  }));
    }
    for (Thread sender : senders) {
      sender.join();
    }
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }
}
