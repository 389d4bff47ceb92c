package dev.betanet.local.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The demo backend the local runtime runs for the example's {@code ealen/echo-server} image: it
 * answers a request with a body by sending that body back byte for byte (so tests can check a round
 * trip exactly), and any other request with one line naming the method and path. Port from {@code
 * PORT} (default 8080), bind address from the first argument.
 */
public final class EchoServer {

  /** Larger bodies are refused with 413, so a client cannot make the echo hold unbounded memory. */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private EchoServer() {}

  public static void main(String[] args) throws IOException {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.createContext("/", EchoServer::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    System.out.println("echo server listening on " + host + ":" + port);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        exchange.sendResponseHeaders(413, -1);
        return;
      }
      byte[] answer =
          body.length > 0
              ? body
              : (exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n")
                  .getBytes(StandardCharsets.UTF_8);
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      exchange
          .getResponseHeaders()
          .set(
              "Content-Type", body.length > 0 && type != null ? type : "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }
}
