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
 *
 * <p>A body is echoed while it arrives (the answer's head goes out first, with the request's length
 * or chunked), so the echo holds one buffer per request whatever the body's size, and a client that
 * sends and reads at once measures both directions at once ({@code make bench}'s bulk section).
 */
public final class EchoServer {

  private static final int BUFFER_BYTES = 64 * 1024;

  private EchoServer() {}

  public static void main(String[] args) throws IOException {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    start(new InetSocketAddress(host, port));
    System.out.println("echo server listening on " + host + ":" + port);
  }

  /** A running echo on {@code address} (port 0: any free one); stop it with {@code stop(0)}. */
  public static HttpServer start(InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    server.createContext("/", EchoServer::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return server;
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      var headers = exchange.getRequestHeaders();
      boolean chunked = "chunked".equalsIgnoreCase(headers.getFirst("Transfer-Encoding"));
      long declared = declaredLength(headers.getFirst("Content-Length"));
      if (declared < 0) {
        exchange.sendResponseHeaders(400, -1);
      } else if (declared > 0 || chunked) {
        echo(exchange, chunked ? 0 : declared);
      } else {
        answer(exchange, exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
      }
    }
  }

  /** The declared body length, 0 when none is declared, -1 when it is not a number. */
  private static long declaredLength(String header) {
    try {
      return header == null ? 0 : Math.max(-1, Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Sends the body back as it arrives: {@code length} declared, or chunked when 0. */
  private static void echo(HttpExchange exchange, long length) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    exchange
        .getResponseHeaders()
        .set("Content-Type", type != null ? type : "application/octet-stream");
    exchange.sendResponseHeaders(200, length);
    byte[] buffer = new byte[BUFFER_BYTES];
    try (InputStream in = exchange.getRequestBody();
        OutputStream out = exchange.getResponseBody()) {
      for (int read; (read = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, read);
        out.flush();
      }
    }
  }

  private static void answer(HttpExchange exchange, String line) throws IOException {
    byte[] answer = line.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }
}
