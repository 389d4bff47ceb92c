package dev.betanet.bench.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real socket on loopback that answers with bytes the test chooses. */
class ProxyConnectionTest {

  private ServerSocket server;

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    server.close();
  }

  @Test
  void aPostSendsItsBodyAndTheWholeAnswerComesBack() throws Exception {
    byte[] body = "0123456789".getBytes(StandardCharsets.ISO_8859_1);
    CompletableFuture<String> request =
        answer(
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Betanet-Transport: mixnet\r\n\r\n9876543210",
            10);
    try (var connection = new ProxyConnection(server.getLocalPort(), 5_000)) {
      ProxyConnection.Answer answer = connection.send("echo.fog", "/a", body);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.transport()).isEqualTo("mixnet");
      assertThat(answer.reason()).isEmpty();
      assertThat(answer.error()).isEmpty();
      assertThat(new String(answer.body(), StandardCharsets.ISO_8859_1)).isEqualTo("9876543210");
    }
    assertThat(request.get(5, TimeUnit.SECONDS))
        .startsWith("POST http://echo.fog/a HTTP/1.1\r\nHost: echo.fog\r\n")
        .contains("Content-Length: 10\r\n")
        .endsWith("\r\n\r\n0123456789");
  }

  @Test
  void aRefusalCarriesTheRoutersReasonAndError() throws Exception {
    answer(
        "HTTP/1.1 504 Gateway Timeout\r\ncontent-length: 0\r\nx-betanet-transport: mixnet\r\n"
            + "x-betanet-reason: timeout\r\nx-betanet-error: no answer within 30s\r\n\r\n",
        0);
    try (var connection = new ProxyConnection(server.getLocalPort(), 5_000)) {
      ProxyConnection.Answer answer = connection.get("echo.fog", "/b");

      assertThat(answer.status()).isEqualTo(504);
      assertThat(answer.reason()).isEqualTo("timeout");
      assertThat(answer.error()).isEqualTo("no answer within 30s");
      assertThat(answer.body()).isEmpty();
    }
  }

  @Test
  void aCutOrMissingAnswerIsAnIoErrorThatSaysWhat() throws Exception {
    answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 0);
    try (var connection = new ProxyConnection(server.getLocalPort(), 5_000)) {
      assertThatThrownBy(() -> connection.get("echo.fog", "/c"))
          .isInstanceOf(IOException.class)
          .hasMessage("response cut after 5 of 10 bytes");
    }
    answer("", 0);
    try (var connection = new ProxyConnection(server.getLocalPort(), 5_000)) {
      assertThatThrownBy(() -> connection.get("echo.fog", "/d"))
          .isInstanceOf(IOException.class)
          .hasMessage("connection closed before a response");
    }
    answer("HTTP/1.1 200 OK\r\n\r\n", 0);
    try (var connection = new ProxyConnection(server.getLocalPort(), 5_000)) {
      assertThatThrownBy(() -> connection.get("echo.fog", "/e"))
          .isInstanceOf(IOException.class)
          .hasMessage("response without Content-Length");
    }
  }

  /**
   * Accepts one connection, reads the request head and {@code bodyLength} bytes, writes {@code
   * response} and closes; completes with the request as read.
   */
  private CompletableFuture<String> answer(String response, int bodyLength) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
              int b = in.read();
              if (b < 0) {
                break;
              }
              request.write(b);
            }
            request.write(in.readNBytes(bodyLength));
            OutputStream out = socket.getOutputStream();
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return request.toString(StandardCharsets.ISO_8859_1);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
