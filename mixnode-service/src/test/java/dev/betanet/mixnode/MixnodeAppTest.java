package dev.betanet.mixnode;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.betanet.mixnode.sphinx.SphinxProcessors;
import dev.betanet.protocol.crypto.X25519;
import dev.betanet.protocol.packet.NodeRef;
import dev.betanet.protocol.packet.PacketBuilder;
import dev.betanet.protocol.packet.PathHop;
import dev.betanet.protocol.topology.NodeKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Boots the whole application with a key file and a signed topology, as the operator deploys it: it
 * becomes ready, forwards a real packet, and publishes the metric names the cluster relies on.
 */
@QuarkusTest
@QuarkusTestResource(value = MixnodeFilesResource.class, restrictToAnnotatedClass = true)
class MixnodeAppTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void becomesReadyForwardsAPacketAndPublishesItsMetrics() throws Exception {
    awaitReady();
    given()
        .get(ready)
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'mixnode' }.data.topologyEpoch", equalTo(1));

    send(packetToSink("through the app"));
    byte[] forwarded = MixnodeFilesResource.SINK.poll(10, TimeUnit.SECONDS);
    assertThat(forwarded).hasSize(MixnodeFilesResource.PACKET_SIZE);

    given()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(containsString("betanet_mixnode_packets_total{result=\"forwarded\"} 1.0"))
        .body(containsString("betanet_mixnode_packets_total{result=\"replayed\"} 0.0"))
        .body(containsString("betanet_mixnode_packets_total{result=\"invalid\"} 0.0"))
        .body(containsString("betanet_mixnode_packets_total{result=\"malformed\"} 0.0"))
        .body(containsString("betanet_mixnode_packets_total{result=\"expired\"} 0.0"))
        .body(containsString("betanet_mixnode_pool_packets "))
        .body(containsString("betanet_mixnode_processing_seconds_bucket"))
        .body(containsString("betanet_mixnode_connections{direction=\"out\"} 1.0"))
        .body(containsString("betanet_mixnode_bytes_total{direction=\"in\"} 2052.0"));
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (given().get(ready).statusCode() != 200) {
      assertThat(System.nanoTime()).as("ready within 15 s").isLessThan(deadline);
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

  private static void send(byte[] packet) throws Exception {
    try (var socket =
            new Socket(InetAddress.getLoopbackAddress(), MixnodeFilesResource.packetPort);
        var out = new DataOutputStream(socket.getOutputStream())) {
      out.writeInt(packet.length);
      out.write(packet);
      out.flush();
    }
  }
}
