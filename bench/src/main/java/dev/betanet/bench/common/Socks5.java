package dev.betanet.bench.common;

import dev.betanet.protocol.socks.Socks5Connect;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Opens a TCP stream through a router's SOCKS5 port on the loopback address. */
public final class Socks5 {

  private Socks5() {}

  /**
   * A socket connected through the SOCKS5 server on {@code socksPort} to {@code host:port}.
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
      int reply = Socks5Connect.connect(socket, host, port);
      if (reply != Socks5Connect.SUCCEEDED) {
        throw new IOException(
            "the SOCKS5 server refused " + host + ":" + port + " with reply " + reply);
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }
}
