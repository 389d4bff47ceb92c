package dev.betanet.bench.common;

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
 * One keep-alive HTTP/1.1 connection to the entry router's proxy port: one canary flow. The JDK's
 * HttpClient pools connections by itself, which would make a handful of long flows out of the whole
 * run; the bench needs to decide where flows begin and end.
 */
public final class ProxyConnection implements AutoCloseable {

  /**
   * Status, the transport the router says carried the request, and the router's one-line reason
   * when it refused or failed the request ({@code X-Betanet-Error}; empty otherwise).
   */
  public record Answer(int status, String transport, String error) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public ProxyConnection(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(60_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  public Answer get(String host, String path) throws IOException {
    out.write(
        ("GET http://" + host + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String status = line();
    if (status == null) {
      throw new IOException("closed before a response");
    }
    int length = -1;
    String transport = "?";
    String error = "";
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      } else if (lower.startsWith("x-betanet-transport:")) {
        transport = line.substring(20).trim();
      } else if (lower.startsWith("x-betanet-error:")) {
        error = line.substring(16).trim();
      }
    }
    if (length < 0) {
      throw new IOException("response without Content-Length");
    }
    in.readNBytes(length);
    return new Answer(Integer.parseInt(status.split(" ")[1]), transport, error);
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
