package dev.betanet.router.loopback;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A link observer, as an attacker on the wire in front of a first-layer mixnode would be: a TCP
 * relay on its own loopback port that the topology names as the node's address, passing every frame
 * on to the real node unchanged and noting when each frame arrived. It sees timing and count, never
 * content, which is all a link observer has.
 */
final class LinkTap implements AutoCloseable {

  private final ServerSocket server;
  private final int target;
  private final List<Long> arrivals = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  /** Relays from a new loopback port to {@code targetPort}. */
  LinkTap(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("link-tap-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Frames seen so far, by arrival ({@link System#nanoTime()}). */
  synchronized int frames() {
    return arrivals.size();
  }

  /** Arrival times of the frames from {@code from} (an index into all frames seen) on. */
  synchronized List<Long> arrivalsSince(int from) {
    return List.copyOf(arrivals.subList(from, arrivals.size()));
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
        synchronized (this) {
          sockets.add(in);
          sockets.add(out);
        }
        // A platform thread per link: its read times are the observation.
        Thread.ofPlatform().daemon().name("link-tap-relay").start(() -> relay(in, out));
      } catch (IOException e) {
        // The node is not up yet: refuse this link as the node would; the sender reconnects.
        closeQuietly(in);
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private void relay(Socket in, Socket out) {
    try (in;
        out;
        var reader = new DataInputStream(in.getInputStream());
        var writer = new DataOutputStream(out.getOutputStream())) {
      while (true) {
        int length = reader.readInt();
        byte[] frame = new byte[length];
        reader.readFully(frame);
        long at = System.nanoTime();
        synchronized (this) {
          arrivals.add(at);
        }
        writer.writeInt(length);
        writer.write(frame);
        writer.flush();
      }
    } catch (IOException e) {
      // a side closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
