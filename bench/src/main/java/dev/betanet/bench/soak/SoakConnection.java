package dev.betanet.bench.soak;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection to the entry router's proxy port (one canary flow) that sends
 * GETs and POSTs and returns the whole answer, body included, so the soak can compare it byte for
 * byte. The bench's {@code ProxyConnection} reads only status and headers.
 */
final class SoakConnection implements AutoCloseable {

  /**
   * An answer: status, the transport the router names ({@code ?} when none), its reason code and
   * text when it failed, and the body.
   */
  record Answer(int status, String transport, String reason, String error, byte[] body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  SoakConnection(int port, int timeoutMillis) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(timeoutMillis);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** A GET when {@code body} is null, else a POST of it. */
  Answer send(String host, String path, byte[] body) throws IOException {
    var head = new StringBuilder();
    head.append(body == null ? "GET" : "POST").append(" http://").append(host).append(path);
    head.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    if (body != null) {
      head.append("Content-Type: application/octet-stream\r\nContent-Length: ")
          .append(body.length)
          .append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    String[] statusParts = status.split(" ");
    if (statusParts.length < 2 || !statusParts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP status line: " + status);
    }
    int length = -1;
    String transport = "?";
    String reason = "";
    String error = "";
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Integer.parseInt(value);
        case "x-betanet-transport" -> transport = value;
        case "x-betanet-reason" -> reason = value;
        case "x-betanet-error" -> error = value;
        default -> {}
      }
    }
    if (length < 0) {
      throw new IOException("response without Content-Length");
    }
    byte[] answer = in.readNBytes(length);
    if (answer.length != length) {
      throw new IOException("response cut after " + answer.length + " of " + length + " bytes");
    }
    return new Answer(Integer.parseInt(statusParts[1]), transport, reason, error, answer);
  }

  private String line() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        buffer.write(b);
      }
    }
    return b == -1 && buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
