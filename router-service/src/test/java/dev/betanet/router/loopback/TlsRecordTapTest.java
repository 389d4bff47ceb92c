package dev.betanet.router.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.betanet.protocol.link.LinkIdentity;
import dev.betanet.protocol.link.LinkPeers;
import dev.betanet.protocol.link.LinkTls;
import dev.betanet.protocol.topology.Topology;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link observer of {@link TlsRecordTap} on a real mutual-TLS link (an exit router's identity
 * sending to a layer-0 mixnode's, pinned by one topology): it must see when each packet left, and
 * nothing of what the packet held.
 */
class TlsRecordTapTest {

  private static final int PACKET = 2048;

  private TestCluster cluster;
  private SSLServerSocket node;
  private TlsRecordTap tap;
  private final List<Long> reads = Collections.synchronizedList(new ArrayList<>());
  private final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    cluster = new TestCluster(1, 1, 0); // keys and topology only: nothing is started
    Topology topology = cluster.topology();
    var mix =
        new LinkTls(
            LinkIdentity.of(cluster.mixKeys.getFirst()),
            () -> LinkPeers.intoMixnode(topology, "mix-0"),
            () -> LinkPeers.anyNode(topology));
    node = mix.serverSocket(InetAddress.getLoopbackAddress(), 0, 5);
    Thread.ofVirtual().start(this::readFrames);
    tap = new TlsRecordTap(node.getLocalPort(), PACKET);
  }

  @AfterEach
  void stop() throws Exception {
    tap.close();
    node.close();
    cluster.close();
  }

  private void readFrames() {
    try (Socket socket = node.accept();
        var in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        byte[] packet = new byte[in.readInt()];
        in.readFully(packet);
        received.add(packet);
        reads.add(System.nanoTime());
      }
    } catch (IOException e) {
      // closed
    }
  }

  private DataOutputStream connectThroughTap() throws IOException {
    Topology topology = cluster.topology();
    var exit =
        new LinkTls(
            LinkIdentity.of(cluster.exitKeys),
            () -> LinkPeers.intoRouter(topology),
            () -> LinkPeers.anyNode(topology));
    Socket socket = exit.connect(InetAddress.getLoopbackAddress(), tap.port());
    // One write per frame (or batch), as the nodes write: see TlsRecordTap's class comment.
    return new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
  }

  private static byte[] packet() {
    byte[] packet = new byte[PACKET];
    TestCluster.RANDOM.nextBytes(packet);
    return packet;
  }

  @Test
  void seesEachPacketLeaveBetweenItsWriteAndItsArrival() throws Exception {
    try (DataOutputStream out = connectThroughTap()) {
      for (int i = 0; i < 5; i++) {
        int n = i + 1;
        long written = System.nanoTime();
        out.writeInt(PACKET);
        out.write(packet());
        out.flush();
        Eventually.await(
            "packet " + n + " read by the node", Duration.ofSeconds(20), () -> reads.size() == n);
        assertThat(tap.frames()).as("departures seen after packet %d", n).isEqualTo(n);
        long seen = tap.arrivalsSince(i).getFirst();
        assertThat(seen).as("seen after it was written").isGreaterThanOrEqualTo(written);
        assertThat(seen).as("seen before the node read it").isLessThanOrEqualTo(reads.get(i));
      }
    }
  }

  @Test
  void countsEveryPacketOfABatchCutIntoRecords() throws Exception {
    try (DataOutputStream out = connectThroughTap()) {
      // 10 frames in one write: 20,520 bytes, more than one 16 KiB record holds.
      for (int i = 0; i < 10; i++) {
        out.writeInt(PACKET);
        out.write(packet());
      }
      out.flush();
      Eventually.await("10 packets read", Duration.ofSeconds(20), () -> reads.size() == 10);
      assertThat(tap.frames()).isEqualTo(10);
      long bigRecords =
          tap.records().stream()
              .filter(r -> r.direction() == TlsRecordTap.Direction.CLIENT_TO_SERVER)
              .filter(r -> r.length() > 16 * 1024)
              .count();
      assertThat(bigRecords).as("the batch went as full records, not one per packet").isPositive();
    }
  }

  @Test
  void seesNoPacketContent() throws Exception {
    byte[] packet = packet();
    try (DataOutputStream out = connectThroughTap()) {
      out.writeInt(PACKET);
      out.write(packet);
      out.flush();
      Eventually.await("the packet read", Duration.ofSeconds(20), () -> reads.size() == 1);
    }
    assertThat(received.getFirst()).isEqualTo(packet);
    byte[] wire = tap.clientBytes(0);
    byte[] probe = Arrays.copyOfRange(packet, 100, 132);
    assertThat(indexOf(wire, probe)).as("32 packet bytes found on the wire").isEqualTo(-1);
    assertThat(tap.records()).anyMatch(r -> r.contentType() == TlsRecordTap.HANDSHAKE);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
