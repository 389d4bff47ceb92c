package dev.betanet.bench.common;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Opens a TCP stream through a SOCKS5 server (RFC 1928: no authentication, CONNECT, a name). */
public final class Socks5 {

  private Socks5() {}

  /**
   * A socket connected through the SOCKS5 server on {@code socksPort} of the loopback address to
   * {@code host:port}.
   *
   * @throws IOException when the server refuses (the message gives its reply code) or the
   *     connection fails
   */
  public static Socket connect(int socksPort, String host, int port, int timeoutMillis)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), socksPort));
      socket.setSoTimeout(timeoutMillis);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      out.write(new byte[] {5, 1, 0});
      byte[] method = new byte[2];
      in.readFully(method);
      if (method[0] != 5 || method[1] != 0) {
        throw new IOException("the SOCKS5 server accepts no method we offer: " + method[1]);
      }
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[7 + name.length];
      request[0] = 5;
      request[1] = 1;
      request[3] = 3;
      request[4] = (byte) name.length;
      System.arraycopy(name, 0, request, 5, name.length);
      request[5 + name.length] = (byte) (port >>> 8);
      request[6 + name.length] = (byte) port;
      out.write(request);
      byte[] reply = new byte[10];
      in.readFully(reply);
      if (reply[1] != 0) {
        throw new IOException(
            "the SOCKS5 server refused " + host + ":" + port + " with reply " + (reply[1] & 0xFF));
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }
}
