package dev.betanet.router.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP backend on loopback with plain blocking sockets (so its half-close is the JDK's, not ours).
 * Modes: ECHO copies bytes back as they come and shuts its output after the client's; ECHO_AT_END
 * reads to the client's end of input, then writes it all back (only a kept half-close lets that
 * answer arrive); SOURCE writes {@code sourceBytes} of a seeded pattern and closes.
 */
final class TcpBackend implements AutoCloseable {

  enum Mode {
    ECHO,
    ECHO_AT_END,
    SOURCE
  }

  final ServerSocket server;
  final Mode mode;
  final long sourceBytes;
  final AtomicInteger connections = new AtomicInteger();

  /** Bytes this backend has written (SOURCE: how far a slow reader let it get). */
  final AtomicLong written = new AtomicLong();

  TcpBackend(Mode mode, long sourceBytes) throws IOException {
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.mode = mode;
    this.sourceBytes = sourceBytes;
    Thread.ofPlatform().daemon().name("tcp-backend-" + mode).start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      switch (mode) {
        case ECHO -> {
          byte[] buffer = new byte[16384];
          int n;
          while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            written.addAndGet(n);
          }
          socket.shutdownOutput();
          while (in.read() >= 0) {}
        }
        case ECHO_AT_END -> {
          byte[] all = in.readAllBytes();
          out.write(all);
          written.addAndGet(all.length);
          socket.shutdownOutput();
        }
        case SOURCE -> {
          Pattern pattern = new Pattern(sourceBytes);
          byte[] chunk = new byte[8192];
          int n;
          while ((n = pattern.next(chunk)) > 0) {
            out.write(chunk, 0, n);
            written.addAndGet(n);
          }
          socket.shutdownOutput();
          while (in.read() >= 0) {}
        }
      }
    } catch (IOException e) {
      // the client went away: nothing to report from a test backend
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** A deterministic byte sequence of a given length (a seeded xorshift), read in chunks. */
  static final class Pattern {
    private final long length;
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    Pattern(long length) {
      this.length = length;
    }

    /** Fills {@code chunk} with the next bytes; returns how many (0 at the end). */
    int next(byte[] chunk) {
      int n = (int) Math.min(chunk.length, length - position);
      for (int i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        chunk[i] = (byte) state;
      }
      position += n;
      return n;
    }
  }
}
