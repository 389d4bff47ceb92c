package dev.betanet.router.loopback;

import dev.betanet.protocol.socks.Socks5Connect;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** A SOCKS5 client on the loopback address ({@link Socks5Connect}), keeping the reply code. */
final class Socks5Client {

  private Socks5Client() {}

  /** The reply code the router gave, and the socket (open only when the code is 0). */
  record Connected(int reply, Socket socket) {}

  static Connected connect(int socksPort, String host, int port) throws IOException {
    return connect(socksPort, host, port, 0);
  }

  /** With a receive buffer of {@code receiveBuffer} bytes when positive (a slow reader's). */
  static Connected connect(int socksPort, String host, int port, int receiveBuffer)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), socksPort));
    socket.setSoTimeout(180_000); // a loaded machine: the bound is the test, not this
    socket.setTcpNoDelay(true);
    return closedUnlessSucceeded(socket, Socks5Connect.connect(socket, host, port));
  }

  /** Reads a reply (10 bytes, IPv4 bound address); closes the socket unless it succeeded. */
  static Connected reply(Socket socket, DataInputStream in) throws IOException {
    return closedUnlessSucceeded(socket, Socks5Connect.reply(in));
  }

  private static Connected closedUnlessSucceeded(Socket socket, int reply) throws IOException {
    if (reply != Socks5Connect.SUCCEEDED) {
      socket.close();
    }
    return new Connected(reply, socket);
  }
}
