package dev.betanet.bench.mixnode;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Sends pre-built packets to the mixnode over several loopback connections, either as fast as the
 * node takes them with at most {@code window} packets unaccounted for (closed loop: measures the
 * ceiling), or at a fixed rate (open loop: measures latency and memory at a given load).
 */
final class LoadDriver {

  private final int port;
  private final byte[][] packets;
  private final long[] sentNanos;
  private final int connections;

  LoadDriver(int port, byte[][] packets, long[] sentNanos, int connections) {
    this.port = port;
    this.packets = packets;
    this.sentNanos = sentNanos;
    this.connections = connections;
  }

  /**
   * Sends packets {@code [from, to)}.
   *
   * @param ratePerSecond 0 for closed loop
   * @param received packets the sink has seen so far (for the closed-loop window)
   * @param window closed loop: most packets in flight
   */
  void send(int from, int to, double ratePerSecond, LongSupplier received, int window)
      throws Exception {
    List<Thread> senders = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    long receivedAtStart = received.getAsLong();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      int lane = c;
      senders.add(
          Thread.ofPlatform()
              .name("load-" + c)
              .start(
                  () -> {
                    try {
                      lane(lane, from, to, ratePerSecond, start, received, receivedAtStart, window);
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

  private void lane(
      int lane,
      int from,
      int to,
      double ratePerSecond,
      long start,
      LongSupplier received,
      long receivedAtStart,
      int window)
      throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setTcpNoDelay(true);
      var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 15));
      double perLaneNanos = ratePerSecond > 0 ? 1e9 * connections / ratePerSecond : 0;
      long sentByLane = 0;
      for (int i = from + lane; i < to; i += connections) {
        if (ratePerSecond > 0) {
          long due = start + (long) (sentByLane * perLaneNanos);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            out.flush();
            LockSupport.parkNanos(wait);
          }
        } else {
          long sentSoFar = i - from;
          while (sentSoFar - (received.getAsLong() - receivedAtStart) > window) {
            out.flush();
            LockSupport.parkNanos(20_000);
          }
        }
        sentNanos[i] = System.nanoTime();
        out.writeInt(packets[i].length);
        out.write(packets[i]);
        sentByLane++;
        if ((sentByLane & 7) == 0) {
          out.flush();
        }
      }
      out.flush();
    }
  }
}
