package dev.betanet.mixnode.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code betanet_mixnode_backlog_wait_seconds}: how long each packet waited between the socket read
 * that brought it and the start of its processing, the node's own queueing.
 */
class BacklogWaitTest {

  /** Processing time given to every burst packet: the cost the ones behind it wait out. */
  private static final long STEP_MILLIS = 20;

  @Test
  void eachPacketOfABurstIsRecordedWithTheWaitBehindThoseBeforeIt() throws Exception {
    try (var net = new TestNet(1, Kits.create())) {
      net.writeFiles();
      // The loop reads the whole burst in one turn and then processes it in order, 20 ms a
      // packet: packet i of the burst waits at least i × 20 ms.
      var hold = new FirstPacketHold();
      Mixnode node =
          net.start(
              net.settings(0),
              hold.around(
                  net.kit.processors(),
                  () -> {
                    try {
                      Thread.sleep(STEP_MILLIS); // stands for slow crypto, not a wait
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      double[] before = node.metrics().backlogWaits();
      int burst = 7; // 14 KB: one TLS record, so one read
      List<byte[]> packets = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        packets.add(net.packet(0, "burst-" + i, 0));
      }
      try (var client = hold.sendBurst(net, node, net.packet(0, "holds-the-loop", 0), packets)) {
        Eventually.await("all forwarded", () -> net.sink.packets.size() == burst + 1);
      }
      double[] after = node.metrics().backlogWaits();
      assertThat(after[0] - before[0]).isEqualTo(burst + 1);
      // 0 + 20 + 40 + ... + 120 ms for the burst
      assertThat(after[1] - before[1]).isGreaterThanOrEqualTo(STEP_MILLIS * 21.0);
    }
  }
}
