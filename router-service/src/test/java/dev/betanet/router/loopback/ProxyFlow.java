package dev.betanet.router.loopback;

import dev.betanet.router.proxy.ProxyServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection to the proxy port, i.e. one flow, speaking plain HTTP/1.1 with keep-alive
 * so a test decides exactly which requests share a flow (the JDK's HttpClient pools connections on
 * its own).
 */
final class ProxyFlow implements AutoCloseable {

  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String transport() {
      return header(ProxyServer.TRANSPORT_HEADER);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  ProxyFlow(int proxyPort) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
    socket.setSoTimeout(60_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  Response get(String url, String... headers) throws IOException {
    return send("GET", url, new byte[0], headers);
  }

  /** Sends one request on this connection and reads its response. */
  Response send(String method, String url, byte[] body, String... headers) throws IOException {
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(url)
            .append(" HTTP/1.1\r\nHost: ")
            .append(URI.create(url).getHost())
            .append("\r\n");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    if (body.length > 0) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    return read();
  }

  private Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    String length = headers.get("content-length");
    if (length == null) {
      throw new IOException("response without Content-Length: " + headers);
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Response(code, headers, body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = buffer.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      buffer.write(b);
    }
    return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
