package dev.betanet.mixnode.core;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An on-path attacker between two nodes: the topology lists the next node at this relay's port, and
 * the relay passes every connection on to the node's real port byte for byte. It records what flows
 * towards the node, and when armed flips one bit inside the next record that is large enough to
 * carry a packet: a TLS application-data record, or on a plaintext link a frame of the packet size
 * (at a payload byte, which no hop's MAC covers). It never terminates TLS: it has no key to.
 */
final class TappingRelay implements AutoCloseable {

  private static final int TLS_HANDSHAKE = 0x16;
  private static final int TLS_APPLICATION_DATA = 0x17;
  private static final int MAX_RECORDED = 1 << 20;

  private final ServerSocket listener;
  private final int targetPort;
  private final int packetSize;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
  final AtomicBoolean armed = new AtomicBoolean();
  final AtomicInteger flipped = new AtomicInteger();
  final AtomicInteger connectionsEnded = new AtomicInteger();

  TappingRelay(int targetPort, int packetSize) throws IOException {
    this.targetPort = targetPort;
    this.packetSize = packetSize;
    listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("relay-accept").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Every byte that went towards the node so far. */
  synchronized byte[] seen() {
    return seen.toByteArray();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket upstream;
      try {
        upstream = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket downstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Thread.ofPlatform().daemon().start(() -> pipe(upstream, downstream, true));
        Thread.ofPlatform().daemon().start(() -> pipe(downstream, upstream, false));
      } catch (IOException e) {
        // The node is not listening yet (layer 0 opens its links when the topology is applied,
        // maybe before layer 1 has started): refuse this link, keep relaying the next ones.
        try {
          upstream.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean towardsNode) {
    try (from;
        to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      if (!towardsNode) {
        in.transferTo(out);
        return;
      }
      var peekable = new PushbackInputStream(in, 1);
      int first = peekable.read();
      if (first < 0) {
        return;
      }
      peekable.unread(first);
      var data = new DataInputStream(peekable);
      boolean tls = first == TLS_HANDSHAKE;
      while (true) {
        byte[] header = new byte[tls ? 5 : 4];
        data.readFully(header);
        int length =
            tls
                ? ((header[3] & 0xff) << 8) | (header[4] & 0xff)
                : ((header[0] & 0xff) << 24
                    | (header[1] & 0xff) << 16
                    | (header[2] & 0xff) << 8
                    | (header[3] & 0xff));
        byte[] body = new byte[length];
        data.readFully(body);
        boolean carriesPacket =
            tls ? (header[0] == TLS_APPLICATION_DATA && length > packetSize) : length == packetSize;
        if (carriesPacket && armed.compareAndSet(true, false)) {
          // TLS: a ciphertext byte in the middle; plaintext: a byte of the Lioness payload.
          int at = tls ? length / 2 : length - 100;
          body[at] ^= 0x01;
          flipped.incrementAndGet();
        }
        record(header);
        record(body);
        out.write(header);
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: the other is closed by the try-with-resources
    } finally {
      if (towardsNode) {
        connectionsEnded.incrementAndGet();
      }
    }
  }

  private synchronized void record(byte[] bytes) {
    if (seen.size() + bytes.length <= MAX_RECORDED) {
      seen.writeBytes(bytes);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
