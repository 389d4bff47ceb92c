package dev.betanet.bench.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.betanet.local.runtime.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Against the local system's real echo server on loopback, and one that echoes wrong bytes. */
class EchoStreamTest {

  @Test
  void aBodyEchoedAsItArrivesComesBackByteExact() throws Exception {
    HttpServer echo = EchoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try {
      EchoStream.Transfer transfer =
          EchoStream.run(socket(echo), "echo.fog", Duration.ofMillis(300), 7);

      // Far more than the socket buffers hold: the echo wrote while the client still sent.
      assertThat(transfer.bytes()).isGreaterThan(8L << 20);
      assertThat(transfer.seconds()).isGreaterThanOrEqualTo(0.3);
    } finally {
      echo.stop(0);
    }
  }

  @Test
  void anEchoThatChangesOneByteIsCaught() throws Exception {
    HttpServer echo =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    echo.createContext(
        "/",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] buffer = new byte[4096];
            boolean changed = false;
            for (int read; (read = in.read(buffer)) >= 0; ) {
              if (!changed && read > 0) {
                buffer[0] ^= 1;
                changed = true;
              }
              out.write(buffer, 0, read);
            }
            out.close();
          }
        });
    echo.start();
    try {
      assertThatThrownBy(() -> EchoStream.run(socket(echo), "x.fog", Duration.ofMillis(100), 1))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("with other content");
    } finally {
      echo.stop(0);
    }
  }

  private static Socket socket(HttpServer server) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    socket.setSoTimeout(30_000);
    return socket;
  }
}
