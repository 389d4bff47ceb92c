package dev.betanet.protocol.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for processes and servers that a test or a benchmark starts and that bind them
 * later. The usual way (bind port 0, read the port, close) fails in two ways, both seen in CI runs
 * here: the kernel hands the same ephemeral port out again (to the next probe, or as the source
 * port of any outgoing connection) before the process binds it, and one JVM gives two processes the
 * same port. So a port is drawn below Linux's ephemeral range (32768–60999), checked free by
 * binding it, and never handed out twice in this JVM.
 */
public final class LoopbackPorts {

  static final int LOWEST = 10_000;
  static final int EPHEMERAL_START = 32_768;
  private static final int DRAWS = 1_000;

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /**
   * A port on the loopback address that is free now and that this JVM has not handed out before.
   *
   * @throws IOException when {@value #DRAWS} draws found none
   */
  public static int reserve() throws IOException {
    for (int draw = 0; draw < DRAWS; draw++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_START);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (var socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException taken) {
        // in use by another process: draw again
      }
    }
    throw new IOException(
        "no free loopback port between "
            + LOWEST
            + " and "
            + EPHEMERAL_START
            + " in "
            + DRAWS
            + " draws");
  }
}
