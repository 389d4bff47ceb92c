package dev.betanet.protocol.socks;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client side of the SOCKS5 dialect a router speaks (RFC 1928: no authentication, CONNECT to a
 * domain name), for the tools and tests that open streams through it.
 */
public final class Socks5Connect {

  /** The reply code of a CONNECT that succeeded. */
  public static final int SUCCEEDED = 0;

  private Socks5Connect() {}

  /**
   * Asks the SOCKS5 server at the other end of {@code socket} (connected) to CONNECT to {@code
   * host:port}; returns its reply code, {@link #SUCCEEDED} when the socket now carries the stream.
   *
   * @throws IOException when the server offers no method we speak, or the socket fails
   */
  public static int connect(Socket socket, String host, int port) throws IOException {
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    out.write(new byte[] {5, 1, 0});
    byte[] method = new DataInputStream(in).readNBytes(2);
    if (method.length < 2 || method[0] != 5 || method[1] != 0) {
      throw new IOException("the SOCKS5 server accepts no method we offer");
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
    return reply(in);
  }

  /** Reads a server's reply to a request (10 bytes, an IPv4 bound address); returns its code. */
  public static int reply(InputStream in) throws IOException {
    byte[] reply = new byte[10];
    new DataInputStream(in).readFully(reply);
    return reply[1] & 0xFF;
  }
}
