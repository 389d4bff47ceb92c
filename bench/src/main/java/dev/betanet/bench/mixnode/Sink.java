package dev.betanet.bench.mixnode;

import dev.betanet.protocol.link.LinkTls;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * The next hop the mixnode forwards to: accepts its connections on loopback, reads framed packets,
 * counts them and notes when the last one came. While a phase that measures latency runs, it also
 * stamps each packet's arrival time against the index of the packet it came from ({@link
 * #identify}).
 */
final class Sink implements AutoCloseable {

  private final ServerSocket server;
  private final int packetSize;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private volatile long lastArrivalNanos;
  private volatile Map<Long, Integer> indexByForwardedKey = Map.of();
  private volatile long[] arrivalNanos = new long[0];
  private volatile Semaphore window;
  private volatile LinkTls tls;

  Sink(int packetSize) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.packetSize = packetSize;
    Thread.ofPlatform().daemon().name("sink-accept").start(this::accept);
  }

  /**
   * Speaks the node links' mutual TLS with {@code linkTls} from now on (its identity exists only
   * once the network is made, after this sink's port is known); before that, links are refused.
   */
  void useTls(LinkTls linkTls) {
    this.tls = linkTls;
  }

  int port() {
    return server.getLocalPort();
  }

  long received() {
    return received.get();
  }

  /** When the last packet arrived ({@link System#nanoTime()}). */
  long lastArrivalNanos() {
    return lastArrivalNanos;
  }

  /**
   * From now on, stamps the arrival of every packet whose forwarded key is in {@code index} at
   * {@code arrivalNanos[index]}; packets not in it count as unknown.
   */
  void identify(Map<Long, Integer> index, long[] arrivalNanos) {
    this.arrivalNanos = arrivalNanos;
    this.indexByForwardedKey = index;
    unknown.set(0);
  }

  /** Stops identifying packets (phases that only count them). */
  void countOnly() {
    indexByForwardedKey = Map.of();
  }

  /** Releases one permit of {@code window} per packet received (closed-loop sending), or null. */
  void window(Semaphore window) {
    this.window = window;
  }

  /** Packets that matched no packet sent while identifying: must stay 0, or latencies are wrong. */
  long unknown() {
    return unknown.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket plain = server.accept();
        LinkTls linkTls = tls;
        if (linkTls == null) {
          plain.close();
          continue;
        }
        var socket =
            (SSLSocket)
                linkTls
                    .sslContext()
                    .getSocketFactory()
                    .createSocket(
                        plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        socket.setUseClientMode(false);
        socket.setNeedClientAuth(true);
        socket.setEnabledProtocols(new String[] {LinkTls.PROTOCOL});
        Thread.ofPlatform().daemon().name("sink-read").start(() -> read(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void read(Socket socket) {
    try (socket;
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16))) {
      byte[] packet = new byte[packetSize];
      while (true) {
        int length = in.readInt();
        if (length != packetSize) {
          throw new IOException("frame of " + length + " bytes, expected " + packetSize);
        }
        in.readFully(packet);
        long now = System.nanoTime();
        Map<Long, Integer> index = indexByForwardedKey;
        if (!index.isEmpty()) {
          Integer sent = index.get(BenchNetwork.forwardedKey(packet));
          if (sent == null) {
            unknown.incrementAndGet();
          } else {
            arrivalNanos[sent] = now;
          }
        }
        lastArrivalNanos = now;
        received.incrementAndGet();
        Semaphore permits = window;
        if (permits != null) {
          permits.release();
        }
      }
    } catch (EOFException e) {
      // the mixnode closed the connection
    } catch (IOException e) {
      if (!server.isClosed()) {
        throw new IllegalStateException("sink read failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
