package dev.betanet.mixnode;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.betanet.mixnode.sphinx.SphinxProcessors;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.crypto.X25519PrivateKey;
import dev.betanet.protocol.metrics.MetricNames;
import dev.betanet.protocol.packet.KeyRing;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PacketProcessor;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.packet.ProcessResult;
import dev.betanet.protocol.replay.BloomReplayFilter;
import dev.betanet.protocol.replay.ReplayWindow;
import dev.betanet.protocol.topology.NodeKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Boots the whole application with a key file and a signed topology, as the operator deploys it: it
 * becomes ready, forwards a real packet that opens at the next hop, and publishes the metric names
 * the cluster relies on.
 */
@QuarkusTest
@QuarkusTestResource(value = MixnodeFilesResource.class, restrictToAnnotatedClass = true)
class MixnodeAppTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Inject PacketProcessing processing;

  @Test
  void becomesReadyForwardsAPacketAndPublishesItsMetrics() throws Exception {
    // Ready about 15 s after the start: once packets made now pass the restart replay guard.
    await("ready", () -> given().get(ready).statusCode() == 200);
    given()
        .get(ready)
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'mixnode' }.data.topologyEpoch", equalTo(1));
    // Once ready, a packet built as a router builds it (system clock, 10 s quantum) is stamped
    // after the node's start: the restart replay guard lets it through.
    assertThat(System.currentTimeMillis() / 10_000 * 10_000)
        .isGreaterThanOrEqualTo(processing.acceptsStampsFromMillis());

    String before = given().get(metrics).then().statusCode(200).extract().asString();
    send(packetToSink("through the app"));
    byte[] forwarded = MixnodeFilesResource.SINK.poll(10, TimeUnit.SECONDS);
    assertThat(forwarded).as("a packet at the next hop").isNotNull();
    // Open it as the sink router would: it is the next layer of the very packet we sent.
    assertThat(openAtSink(forwarded)).isEqualTo("through the app");

    String after = given().get(metrics).then().statusCode(200).extract().asString();
    String packets = MetricNames.MIXNODE_PACKETS.prometheus();
    String bytes = MetricNames.MIXNODE_BYTES.prometheus();
    assertThat(value(after, packets + "{result=\"forwarded\"}"))
        .isEqualTo(value(before, packets + "{result=\"forwarded\"}") + 1);
    for (String refused :
        List.of("replayed", "invalid", "malformed", "expired", "before_start", "delay_too_long")) {
      String series = packets + "{result=\"" + refused + "\"}";
      assertThat(value(after, series)).as(series).isEqualTo(value(before, series));
    }
    assertThat(value(after, bytes + "{direction=\"in\"}"))
        .isEqualTo(
            value(before, bytes + "{direction=\"in\"}") + 4 + MixnodeFilesResource.PACKET_SIZE);
    // One link per packet loop (one per core by default) to the only next hop, the sink: opened
    // when the topology loaded, whether or not a packet took it.
    String out = MetricNames.MIXNODE_CONNECTIONS.prometheus() + "{direction=\"out\"}";
    await(
        "a link from each packet loop",
        () ->
            value(given().get(metrics).then().statusCode(200).extract().asString(), out)
                == Runtime.getRuntime().availableProcessors());
    value(after, MetricNames.MIXNODE_POOL_PACKETS.prometheus());
    value(after, MetricNames.MIXNODE_POOL_MEAN_PACKETS.prometheus());
    // The one packet left without a delay: linked to its arrival, 0 bits (docs/anonymity.md).
    assertThat(value(after, MetricNames.MIXNODE_DEPARTURE_ENTROPY_BITS.prometheus())).isZero();
    assertThat(after).contains(MetricNames.MIXNODE_PROCESSING_SECONDS.buckets());
    assertThat(after).contains(MetricNames.MIXNODE_BACKLOG_WAIT_SECONDS.buckets());
  }

  /** The value of {@code series} in a scrape; a missing series fails the test. */
  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series " + series + " in the scrape").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 40 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static byte[] packetToSink(String message) {
    NodeKeys node = MixnodeFilesResource.nodeKeys;
    NodeKeys sink = MixnodeFilesResource.sinkKeys;
    var builder =
        new PacketBuilder(
            SphinxProcessors.geometryOf(MixnodeFilesResource.PACKET_SIZE),
            X25519.bouncyCastle(),
            new SecureRandom());
    return builder
        .forward(
            List.of(
                new PathHop(
                    NodeRef.ofIdentity(node.identityPublic().bytes()),
                    node.current().publicKey().bytes(),
                    node.current().epoch(),
                    0),
                new PathHop(
                    NodeRef.ofIdentity(sink.identityPublic().bytes()),
                    sink.current().publicKey().bytes(),
                    sink.current().epoch(),
                    0)),
            message.getBytes(StandardCharsets.UTF_8))
        .packet();
  }

  private static String openAtSink(byte[] packet) throws Exception {
    NodeKeys sink = MixnodeFilesResource.sinkKeys;
    var processor =
        new PacketProcessor(
            SphinxProcessors.geometryOf(MixnodeFilesResource.PACKET_SIZE),
            KeyRing.of(sink.current().epoch(), X25519PrivateKey.of(sink.current().privateKey())),
            BloomReplayFilter.forRate(ReplayWindow.DEFAULT, 100),
            X25519.bouncyCastle());
    ProcessResult result = processor.process(packet);
    assertThat(result).isInstanceOf(ProcessResult.Deliver.class);
    return new String(((ProcessResult.Deliver) result).message(), StandardCharsets.UTF_8);
  }

  private static void send(byte[] packet) throws Exception {
    // As the sink router would: a router of the topology may open a link to layer 0.
    try (var socket =
            MixnodeFilesResource.sinkTls()
                .connect(InetAddress.getLoopbackAddress(), MixnodeFilesResource.packetPort);
        var out = new DataOutputStream(socket.getOutputStream())) {
      out.writeInt(packet.length);
      out.write(packet);
      out.flush();
    }
  }
}
