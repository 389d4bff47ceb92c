package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * More packets than a packet loop's backlog can hold: the bound refuses the excess (counted), every
 * packet is accounted for, and the node stays live and ready.
 */
class OverloadTest {

  @Test
  void dropsAndCountsWhatALoopsBacklogCannotHold() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      int bound = 4; // four packets may wait on the loop
      burstBeyondTheBacklog(net, oneLoop(net.settings(0), bound, Long.MAX_VALUE), bound);
    }
  }

  @Test
  void theBacklogIsBoundedInBytesAsWell() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      int fit = 4; // room for 1,000 packets, but bytes for four
      long bytes = (long) fit * net.packet(0, "size", 0).length;
      burstBeyondTheBacklog(net, oneLoop(net.settings(0), 1_000, bytes), fit);
    }
  }

  private static MixnodeSettings oneLoop(MixnodeSettings base, int packets, long bytes) {
    return new MixnodeSettings(
        base.nodeId(),
        base.keysFile(),
        base.topologyFile(),
        base.host(),
        base.port(),
        1, // one packet loop
        packets,
        bytes,
        base.delayPool(),
        base.delayPoolBytes(),
        base.nextHopQueue(),
        base.nextHopBytes(),
        base.drainTimeout(),
        base.reloadInterval(),
        base.stuckAfter());
  }

  private static void burstBeyondTheBacklog(TestNet net, MixnodeSettings tight, int bound)
      throws Exception {
    // The first packet holds the loop until the burst is in the node's socket buffer, so exactly
    // `bound` packets of the burst fit and the rest must be refused.
    var hold = new FirstPacketHold();
    Mixnode node = net.start(tight, hold.around(net.kit.processors(), () -> {}));
    double forwardedBefore = TestNet.count(node, PacketResult.FORWARDED);
    double droppedBefore = TestNet.count(node, PacketResult.DROPPED_OVERLOAD);
    // 7 packets, 14 KB: one TLS record, so one read.
    int burst = 7;
    List<byte[]> packets = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      packets.add(net.packet(0, "burst-" + i, 0));
    }
    try (var client = hold.sendBurst(net, node, net.packet(0, "holds-the-loop", 0), packets)) {
      OutputStream out = client.getOutputStream();
      Eventually.await(
          "the excess refused",
          () ->
              TestNet.count(node, PacketResult.DROPPED_OVERLOAD) == droppedBefore + burst - bound);
      Eventually.await(
          "the admitted packets forwarded",
          () -> TestNet.count(node, PacketResult.FORWARDED) == forwardedBefore + 1 + bound);
      assertThat(TestNet.count(node, PacketResult.DROPPED_OVERLOAD))
          .isEqualTo(droppedBefore + burst - bound);
      assertThat(node.isLive()).isTrue();
      assertThat(node.isReady()).isTrue();

      // Forwarded means written to the link: wait until the sink has read them all, so the
      // count below is not raced by the burst's last packets still on the wire.
      Eventually.await(
          "the admitted packets at the sink", () -> net.sink.packets.size() == 1 + bound);

      // Once the burst is over, packets flow again.
      out.write(TestSink.frame(net.packet(0, "after-the-burst", 0)).getBytes());
      Eventually.await("the next packet forwarded", () -> net.sink.packets.size() == bound + 2);
    }
  }
}
