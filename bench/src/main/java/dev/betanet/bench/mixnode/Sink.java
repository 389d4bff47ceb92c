package dev.betanet.bench.mixnode;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * The next hop the mixnode forwards to: accepts its connections on loopback, reads framed packets
 * and stamps each one's arrival time against the index of the packet it came from.
 */
final class Sink implements AutoCloseable {

  private final ServerSocket server;
  private final int packetSize;
  private final ToIntFunction<byte[]> identify;
  private final long[] arrivalNanos;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();

  /**
   * @param identify maps a forwarded packet to the index of the packet sent, or -1
   * @param arrivalNanos filled at the index {@code identify} returns
   */
  Sink(int packetSize, ToIntFunction<byte[]> identify, long[] arrivalNanos) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.packetSize = packetSize;
    this.identify = identify;
    this.arrivalNanos = arrivalNanos;
    Thread.ofPlatform().daemon().name("sink-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  long received() {
    return received.get();
  }

  /** Packets that matched no packet sent: must stay 0, or the figures are wrong. */
  long unknown() {
    return unknown.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
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
        int index = identify.applyAsInt(packet);
        if (index < 0) {
          unknown.incrementAndGet();
        } else {
          arrivalNanos[index] = now;
        }
        received.incrementAndGet();
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
