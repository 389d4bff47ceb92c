package dev.betanet.local.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What kube-proxy does for one Service port, for the user on 127.0.0.1: accepts TCP connections and
 * relays each, byte for byte in both directions, to a ready pod chosen when it connects. With no
 * ready pod the connection is closed at once.
 */
final class TcpForwarder implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TcpForwarder.class.getName());

  /** Connections held open at once; more wait in the accept backlog. */
  static final int MAX_CONNECTIONS = 512;

  private final ServerSocket server;
  private final Supplier<Optional<InetSocketAddress>> target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.Semaphore slots =
      new java.util.concurrent.Semaphore(MAX_CONNECTIONS);

  TcpForwarder(InetSocketAddress bind, Supplier<Optional<InetSocketAddress>> target)
      throws IOException {
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(bind, 128);
    this.target = target;
    Thread.ofVirtual().name("forward-" + bind.getPort()).start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        slots.acquire();
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> relay(client));
      } catch (IOException | InterruptedException e) {
        slots.release();
        if (!server.isClosed()) {
          LOG.warning("forwarder on port " + server.getLocalPort() + ": " + e.getMessage());
        }
      }
    }
  }

  private void relay(Socket client) {
    Socket upstream = new Socket();
    try (client;
        upstream) {
      Optional<InetSocketAddress> to = target.get();
      if (to.isEmpty()) {
        return;
      }
      {
        upstream.connect(to.get(), 2000);
        upstream.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
        pump(client, upstream);
        back.join();
      }
    } catch (IOException | InterruptedException e) {
      LOG.fine(() -> "relay ended: " + e);
    } finally {
      open.remove(client);
      open.remove(upstream);
      slots.release();
    }
  }

  /** Copies until end of stream, then half-closes the other side, as a TCP proxy should. */
  private static void pump(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      in.transferTo(out);
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // already closing
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
