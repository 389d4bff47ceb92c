package dev.betanet.router.loopback;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A SOCKS5 client written from RFC 1928 (no authentication, CONNECT, domain name). */
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
    OutputStream out = socket.getOutputStream();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    out.write(new byte[] {5, 1, 0});
    byte[] method = new byte[2];
    in.readFully(method);
    if (method[0] != 5 || method[1] != 0) {
      throw new IOException("no acceptable method: " + method[1]);
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
    return reply(socket, in);
  }

  /** Reads a reply (10 bytes, IPv4 bound address); closes the socket unless it succeeded. */
  static Connected reply(Socket socket, DataInputStream in) throws IOException {
    byte[] reply = new byte[10];
    in.readFully(reply);
    if (reply[1] != 0) {
      socket.close();
    }
    return new Connected(reply[1] & 0xFF, socket);
  }
}
