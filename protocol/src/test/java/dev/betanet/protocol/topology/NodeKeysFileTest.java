package dev.betanet.protocol.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.betanet.protocol.topology.TopologyException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class NodeKeysFileTest {

  private final SecureRandom random = new SecureRandom();

  @Test
  void readsBackWhatItWrote() throws Exception {
    NodeKeys keys = NodeKeys.generate("demo-mix-0-0", SampleTopologies.operatorKey(), 3, random);

    NodeKeys read = NodeKeysFile.read(NodeKeysFile.write(keys));

    assertThat(read).isEqualTo(keys);
    assertThat(read.current().publicKey()).isEqualTo(keys.current().publicKey());
    assertThat(read.identityPublic()).isEqualTo(keys.identityPublic());
  }

  @Test
  void rotationPutsTheNewKeyFirstAndKeepsTheOverlap() {
    NodeKeys keys = NodeKeys.generate("n", SampleTopologies.operatorKey(), 3, random);

    NodeKeys rotated = keys.rotate(4, 2, random).rotate(5, 2, random);

    assertThat(rotated.packetKeys()).extracting(NodeKeys.EpochKey::epoch).containsExactly(5L, 4L);
    assertThat(rotated.identityPublic()).isEqualTo(keys.identityPublic());
    assertThat(rotated.retireBefore(5).packetKeys())
        .extracting(NodeKeys.EpochKey::epoch)
        .containsExactly(5L);
    assertThatThrownBy(() -> rotated.rotate(5, 2, random))
        .hasMessageContaining("new key epoch 5 must be above 5");
  }

  @Test
  void neverPrintsPrivateKeys() {
    NodeKeys keys = NodeKeys.generate("n", SampleTopologies.operatorKey(), 1, random);
    String identityPrivate = Base64.getEncoder().encodeToString(keys.identityPrivate());
    String packetPrivate = Base64.getEncoder().encodeToString(keys.current().privateKey());

    assertThat(keys.toString()).doesNotContain(identityPrivate).doesNotContain(packetPrivate);
    assertThat(keys.current().toString()).doesNotContain(packetPrivate);
  }

  @Test
  void rejectsABrokenFileWithoutQuotingIt() {
    String secretLooking = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw==";
    String truncated =
        "{\"nodeId\":\"n\",\"operatorKey\":\""
            + SampleTopologies.operatorKey()
            + "\",\"identityPrivate\":\""
            + secretLooking
            + "\",\"packetKeys\":[]}";

    assertThatThrownBy(() -> NodeKeysFile.read(truncated.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            TopologyException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_KEY_FILE))
        .hasMessageNotContaining(secretLooking);
    assertThatThrownBy(() -> NodeKeysFile.read("{\"nodeId\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(TopologyException.class)
        .hasMessageContaining("INVALID_KEY_FILE");
  }
}
