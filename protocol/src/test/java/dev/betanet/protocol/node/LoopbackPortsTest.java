package dev.betanet.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void portsAreBelowTheEphemeralRangeNeverRepeatedAndBindable() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      int port = LoopbackPorts.reserve();
      assertThat(port).isBetween(LoopbackPorts.LOWEST, LoopbackPorts.EPHEMERAL_START - 1);
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
    }
    int port = LoopbackPorts.reserve();
    try (var server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(server.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aPortInUseIsNotHandedOut() throws Exception {
    // Hold many ports of the range; none of them may come back.
    Set<ServerSocket> held = new HashSet<>();
    Set<Integer> heldPorts = new HashSet<>();
    try {
      for (int p = LoopbackPorts.LOWEST; p < LoopbackPorts.LOWEST + 2_000; p++) {
        try {
          held.add(new ServerSocket(p, 1, InetAddress.getLoopbackAddress()));
          heldPorts.add(p);
        } catch (java.io.IOException inUse) {
          heldPorts.add(p); // someone else's: not free either
        }
      }
      for (int i = 0; i < 300; i++) {
        assertThat(heldPorts).doesNotContain(LoopbackPorts.reserve());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
